"""Factories for the final accounting tests."""

import datetime

import factory

from closeout.models import ActivityContinuation, Consultation, FinalAccounting
from tests.budgets.factories import stream
from tests.factories import MunicipalityFactory


class FinalAccountingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinalAccounting

    municipality = factory.SubFactory(MunicipalityFactory)
    stream = factory.LazyFunction(stream)
    final_year = 2025


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    accounting = factory.SubFactory(FinalAccountingFactory)
    municipality = factory.LazyAttribute(lambda o: o.accounting.municipality)
    date = datetime.date(2022, 3, 14)
    participants = "Stichting Primair, Kinderopvang De Vlinder"
    with_school_boards = True
    with_childcare = True
    in_lea_oogo = True


class ActivityContinuationFactory(factory.django.DjangoModelFactory):
    """A decision to continue an activity under GOAB/OAB."""

    class Meta:
        model = ActivityContinuation

    activity = factory.SubFactory("tests.cycles.factories.ActivityFactory")
    municipality = factory.LazyAttribute(lambda o: o.activity.municipality)
    decision = ActivityContinuation.Decision.CONTINUE
    stream = factory.LazyFunction(lambda: stream("oab"))
    category = "goab-voorschool"


def closed_cycle_with_continuation(municipality):
    """An afgerond cycle of ``municipality`` with one activity decided to continue."""
    from cycles.models import Phase
    from tests.cycles.factories import ActivityFactory, CycleFactory, GoalFactory

    cycle = CycleFactory(municipality=municipality, phase=Phase.AFGEROND)
    activity = ActivityFactory(goal=GoalFactory(cycle=cycle))
    ActivityContinuationFactory(activity=activity)
    return cycle
