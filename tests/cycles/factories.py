"""factory_boy factories for the 4D cycle."""

import datetime
from decimal import Decimal

import factory

from core.npo import Domain, SpendingCategory, TargetGroup
from cycles.models import (
    Activity,
    ActivityStatus,
    Cycle,
    Finding,
    Goal,
    ProgressUpdate,
    StakeholderSession,
)
from schools.models import PartnerOrganisation
from tests.factories import MunicipalityFactory


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"4D-cyclus {n}")
    start_date = datetime.date(2024, 8, 1)
    end_date = datetime.date(2025, 7, 31)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderSession

    cycle = factory.SubFactory(CycleFactory)
    municipality = factory.SelfAttribute("cycle.municipality")
    date = datetime.date(2024, 10, 1)
    title = factory.Sequence(lambda n: f"Duidingssessie {n}")


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    cycle = factory.SubFactory(CycleFactory)
    municipality = factory.SelfAttribute("cycle.municipality")
    theme = factory.Sequence(lambda n: f"Leesachterstand {n}")
    domain = Domain.LANGUAGE
    target_group = TargetGroup.PO
    priority = Finding.Priority.HIGH


class GoalFactory(factory.django.DjangoModelFactory):
    """A complete (SMART) goal unless fields are blanked."""

    class Meta:
        model = Goal

    cycle = factory.SubFactory(CycleFactory)
    municipality = factory.SelfAttribute("cycle.municipality")
    title = factory.Sequence(lambda n: f"Doel {n}")
    target_group = TargetGroup.PO
    indicator = "Aandeel leerlingen groep 8 op 1F lezen"
    baseline = Decimal("60")
    target_value = Decimal("80")
    unit = "%"
    deadline = datetime.date(2025, 7, 1)
    spending_category = SpendingCategory.CATCH_UP


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    goal = factory.SubFactory(GoalFactory)
    municipality = factory.SelfAttribute("goal.municipality")
    title = factory.Sequence(lambda n: f"Activiteit {n}")
    status = ActivityStatus.RUNNING


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    activity = factory.SubFactory(ActivityFactory)
    municipality = factory.SelfAttribute("activity.municipality")
    date = datetime.date(2024, 12, 1)
    narrative = "Loopt volgens plan."
    status = ActivityStatus.RUNNING


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = PartnerOrganisation.Kind.LIBRARY
