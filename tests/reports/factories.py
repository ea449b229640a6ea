"""Factories and a demo-like data set for report tests."""

import datetime
from decimal import Decimal

import factory

from budgets.models import Allocation, PlannedAmount, SpendingGoal
from core.npo import Domain, SpendingCategory, TargetGroup
from cycles.models import Activity, Cycle, Finding, Goal
from reports.models import ReportJob
from schools.models import PartnerOrganisation, PupilCount, School, SchoolWeight
from tests.budgets.factories import stream
from tests.factories import MunicipalityFactory, SchoolFactory


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"NPO-cyclus {n}")
    start_date = datetime.date(2023, 8, 1)
    end_date = datetime.date(2025, 7, 31)


class ReportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportJob

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = ReportJob.Kind.GEMEENTEFOTO
    version = factory.Sequence(lambda n: n + 1)


def fill_municipality(municipality, *, schools: int = 8, with_cycle: bool = True):
    """Schools with pupil history and weights, partners, and a cycle with findings, goals and
    activities: enough for every section of both reports."""
    made = []
    for i in range(schools):
        school = SchoolFactory(
            municipality=municipality,
            sector=School.Sector.VO if i == schools - 1 else School.Sector.BO,
        )
        made.append(school)
        if school.sector == School.Sector.BO:
            for year in range(2019, 2025):
                PupilCount.objects.create(school=school, year=year, count=200 + 10 * i + year % 7)
            SchoolWeight.objects.create(
                school=school,
                school_year="2023-2024",
                weight=Decimal("27.5") + i,
                pupils=220,
                spread=Decimal("6.1"),
            )
    jgz = PartnerOrganisation.objects.create(
        municipality=municipality, name="GGD regio", kind=PartnerOrganisation.Kind.YOUTH_HEALTH
    )
    PartnerOrganisation.objects.create(
        municipality=municipality, name="Bibliotheek Centrum", kind=PartnerOrganisation.Kind.LIBRARY
    )
    if not with_cycle:
        return None
    cycle = CycleFactory(municipality=municipality, title="NPO 2023–2025")
    Finding.objects.create(
        municipality=municipality,
        cycle=cycle,
        theme="Achterstand begrijpend lezen groep 5-6",
        domain=Domain.LANGUAGE,
        target_group=TargetGroup.PO,
        priority=Finding.Priority.HIGH,
        evidence="Uit de schoolanalyses blijkt een grote vertraging bij lezen.",
    )
    goal = Goal.objects.create(
        municipality=municipality,
        cycle=cycle,
        title="Leesvaardigheid omhoog in groep 8",
        indicator="Aandeel leerlingen groep 8 op streefniveau 1F lezen",
        baseline=Decimal("61"),
        target_value=Decimal("70"),
        unit="%",
        deadline=datetime.date(2025, 7, 1),
        spending_category=SpendingCategory.CATCH_UP,
        target_group=TargetGroup.PO,
    )
    goal.responsible_partners.add(jgz)
    Activity.objects.create(
        municipality=municipality,
        goal=goal,
        title="Zomerschool lezen",
        executing_partner=jgz,
        start_date=datetime.date(2024, 7, 1),
        end_date=datetime.date(2024, 8, 15),
    )
    npo = stream("npo-gemeenten")
    Allocation.objects.create(
        municipality=municipality,
        stream=npo,
        period="2023-2024",
        amount=Decimal("1250000.00"),
        reference="BS-2023-1",
    )
    spending_goal = SpendingGoal.objects.create(
        municipality=municipality,
        cycle=cycle,
        category=SpendingCategory.CATCH_UP,
        suboption="zomerschool",
        title="Zomerschool",
    )
    PlannedAmount.objects.create(
        municipality=municipality,
        spending_goal=spending_goal,
        stream=npo,
        period="2023-2024",
        amount=Decimal("487650.00"),
    )
    return cycle
