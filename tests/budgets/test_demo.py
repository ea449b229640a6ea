from decimal import Decimal

import pytest

from budgets.demo import seed
from budgets.models import Allocation, Commitment, PlannedAmount, Spending, SpendingGoal
from cycles.models import Phase
from municipalities.demo import seed as seed_municipalities
from municipalities.models import Municipality
from schools.models import PupilCount
from tests.budgets.factories import CycleFactory, GoalFactory
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_demo_estimates_npo_from_pupil_counts_and_is_idempotent():
    seed_municipalities()
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    zwolle = Municipality.objects.get(cbs_code="GM0193")
    for count in (400, 201):
        school = SchoolFactory(municipality=utrecht)
        PupilCount.objects.create(school=school, year=2020, count=count)
        PupilCount.objects.create(school=school, year=2021, count=9999)  # wrong year: ignored
    PupilCount.objects.create(
        school=SchoolFactory(municipality=utrecht), year=2020, suppressed=True
    )
    cycle = CycleFactory(municipality=utrecht, phase=Phase.DOEN)
    GoalFactory(municipality=utrecht, cycle=cycle, spending_category="inhalen")

    seed(None)
    counts = [
        m.objects.count() for m in (Allocation, SpendingGoal, PlannedAmount, Commitment, Spending)
    ]
    seed(None)
    assert [
        m.objects.count() for m in (Allocation, SpendingGoal, PlannedAmount, Commitment, Spending)
    ] == counts
    allocations = Allocation.objects.for_municipality(utrecht)
    assert allocations.count() == 4 and all(a.is_estimate for a in allocations)
    # 601 pupils × € 118,11 = € 70.984,11, split over four school years to the cent.
    assert sum(a.amount for a in allocations) == Decimal("70984.11")
    basis = allocations.first().estimate_basis
    assert "601 leerlingen" in basis and "voortgezet onderwijs" in basis and "<5" in basis
    assert not Allocation.objects.for_municipality(zwolle).exists()  # no counts: no guess
    assert SpendingGoal.objects.filter(cycle=cycle).count() == 3
    assert Spending.objects.count() == 4 and Commitment.objects.count() == 2
