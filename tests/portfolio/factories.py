"""Builders for portfolio tests: an advisor with a portfolio of filled municipalities."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from cycles.models import Phase, PhaseTransition
from municipalities.models import Role
from reports.models import ReportJob
from schools.models import PupilCount
from tests.budgets.factories import (
    AllocationFactory,
    CycleFactory,
    PlannedAmountFactory,
    SpendingFactory,
    SpendingGoalFactory,
)
from tests.factories import MembershipFactory, MunicipalityFactory, SchoolFactory, UserFactory

# Own CBS codes (GM8000–GM8999, unused by CBS): the shared factory's GM9000+n sequence runs out
# of four digits in a long run, and these tests make dozens of municipalities each.
_codes = itertools.count()


def new_municipality(**kwargs):
    return MunicipalityFactory(cbs_code=f"GM{8000 + next(_codes) % 1000:04d}", **kwargs)


def at(date: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(10, 0)))


def fill(municipality, *, schools: int = 2, phase: str = Phase.DOELEN, spent=Decimal("1000.00")):
    """A cycle with one transition, schools with pupils, an allocation, a plan, spending and a
    finished gemeentefoto: every column of the portfolio has something to show."""
    cycle = CycleFactory(
        municipality=municipality, phase=phase, start_date=datetime.date(2023, 8, 1)
    )
    PhaseTransition.objects.create(
        municipality=municipality,
        cycle=cycle,
        from_phase=Phase.DATA,
        to_phase=phase,
        direction=PhaseTransition.Direction.FORWARD,
        created_at=timezone.now() - datetime.timedelta(days=10),
    )
    for _ in range(schools):
        school = SchoolFactory(municipality=municipality)
        PupilCount.objects.create(school=school, year=2024, count=100)
    AllocationFactory(municipality=municipality, amount=Decimal("100000.00"))
    goal = SpendingGoalFactory(municipality=municipality, cycle=cycle)
    PlannedAmountFactory(spending_goal=goal, amount=Decimal("40000.00"))
    SpendingFactory(spending_goal=goal, amount=spent, date=datetime.date(2023, 10, 1))
    ReportJob.objects.create(
        municipality=municipality,
        cycle=cycle,
        kind=ReportJob.Kind.GEMEENTEFOTO,
        version=1,
        status=ReportJob.Status.DONE,
        progress=100,
        finished_at=at(datetime.date(2024, 3, 1)),
    )
    return cycle


def advisor_with(n: int, *, filled: bool = True):
    """An advisor of ``n`` municipalities (each filled), and the municipalities."""
    user = UserFactory()
    municipalities = []
    for _ in range(n):
        municipality = new_municipality()
        MembershipFactory(user=user, municipality=municipality, role=Role.ADVISOR)
        if filled:
            fill(municipality)
        municipalities.append(municipality)
    return user, municipalities


def analysis(school, cycle, status, **fields):
    """A school analysis in ``status`` (built directly: the workflow has its own tests)."""
    from analyses.models import SchoolAnalysis

    return SchoolAnalysis.objects.create(
        municipality=school.municipality, school=school, cycle=cycle, status=status, **fields
    )
