"""Factories for budget tests (and minimal cycle/partner factories they need)."""

import datetime
from decimal import Decimal

import factory

from budgets.models import (
    Allocation,
    Beschikking,
    Commitment,
    FundingStream,
    PlannedAmount,
    Spending,
    SpendingGoal,
    StreamFreeze,
)
from budgets.streams import funding_streams_ensure
from core.npo import SpendingCategory
from cycles.models import Activity, Cycle, Goal, Phase
from schools.models import PartnerOrganisation
from tests.factories import MunicipalityFactory


def stream(code: str = "npo-gemeenten") -> FundingStream:
    """A standard stream: seeded by the data migration, re-ensured after a transactional test
    flushed the database."""
    funding_streams_ensure()
    return FundingStream.objects.get(code=code)


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Cyclus {n}")
    start_date = datetime.date(2023, 8, 1)
    end_date = datetime.date(2025, 7, 31)
    phase = Phase.DOELEN


def open_cycle(municipality) -> Cycle:
    """The municipality's open cycle (there may be only one), created when missing."""
    return Cycle.objects.for_municipality(municipality).open().first() or CycleFactory(
        municipality=municipality
    )


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    municipality = factory.SubFactory(MunicipalityFactory)
    cycle = factory.LazyAttribute(lambda o: open_cycle(o.municipality))
    title = factory.Sequence(lambda n: f"Doel {n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    municipality = factory.SubFactory(MunicipalityFactory)
    goal = factory.SubFactory(GoalFactory, municipality=factory.SelfAttribute("..municipality"))
    title = factory.Sequence(lambda n: f"Activiteit {n}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = PartnerOrganisation.Kind.WELFARE


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    municipality = factory.SubFactory(MunicipalityFactory)
    stream = factory.LazyFunction(stream)
    period = "2023-2024"
    amount = Decimal("100000.00")
    reference = factory.Sequence(lambda n: f"BS-{n}")


class SpendingGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpendingGoal

    municipality = factory.SubFactory(MunicipalityFactory)
    cycle = factory.LazyAttribute(lambda o: open_cycle(o.municipality))
    category = SpendingCategory.CATCH_UP
    suboption = "zomerschool"
    title = factory.Sequence(lambda n: f"Zomerschool {n}")


class PlannedAmountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedAmount

    spending_goal = factory.SubFactory(SpendingGoalFactory)
    municipality = factory.LazyAttribute(lambda o: o.spending_goal.municipality)
    stream = factory.LazyFunction(stream)
    period = "2023-2024"
    amount = Decimal("10000.00")


class _TransactionFactory(factory.django.DjangoModelFactory):
    spending_goal = factory.SubFactory(SpendingGoalFactory)
    municipality = factory.LazyAttribute(lambda o: o.spending_goal.municipality)
    stream = factory.LazyFunction(stream)
    date = datetime.date(2023, 10, 1)
    amount = Decimal("1000.00")
    description = factory.Sequence(lambda n: f"Factuur {n}")
    reference = factory.Sequence(lambda n: f"F{n:05d}")


class CommitmentFactory(_TransactionFactory):
    class Meta:
        model = Commitment


class SpendingFactory(_TransactionFactory):
    class Meta:
        model = Spending


class BeschikkingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beschikking

    municipality = factory.SubFactory(MunicipalityFactory)
    stream = factory.LazyFunction(stream)
    kind = Beschikking.Kind.VERLENING
    amount = Decimal("250000.00")
    date = datetime.date(2021, 6, 15)
    reference = factory.Sequence(lambda n: f"NPO-{n:06d}")


class StreamFreezeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StreamFreeze

    municipality = factory.SubFactory(MunicipalityFactory)
    stream = factory.LazyFunction(stream)
