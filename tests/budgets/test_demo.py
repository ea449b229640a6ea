import io
from decimal import Decimal

import pytest

from budgets.demo import FALLBACK_AMOUNTS, seed
from budgets.models import (
    Allocation,
    Beschikking,
    Commitment,
    PlannedAmount,
    Spending,
    SpendingGoal,
)
from cycles import demo as cycles_demo
from municipalities.demo import seed as seed_municipalities
from municipalities.models import Municipality
from schools.models import PupilCount
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db
MODELS = (Allocation, Beschikking, SpendingGoal, PlannedAmount, Commitment, Spending)


def test_demo_estimates_npo_from_pupil_counts_links_a_verlening_and_is_idempotent():
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
    cycles_demo.seed(io.StringIO())

    seed(None)
    counts = [m.objects.count() for m in MODELS]
    seed(None)
    assert [m.objects.count() for m in MODELS] == counts

    # 601 pupils × € 118,11 = € 70.984,11, split over four school years to the cent, all from
    # one demo verlening that says it is an estimate.
    verlening = Beschikking.objects.get(municipality=utrecht)
    assert verlening.kind == "verlening" and verlening.amount == Decimal("70984.11")
    assert "schatting" in verlening.note and "601 leerlingen" in verlening.note
    allocations = Allocation.objects.for_municipality(utrecht)
    assert allocations.count() == 4 and {a.beschikking_id for a in allocations} == {verlening.pk}
    assert sum(a.amount for a in allocations) == Decimal("70984.11")
    assert "schatting" in allocations.first().note
    # No pupil counts: a round demo amount, said so.
    zwolle_letter = Beschikking.objects.get(municipality=zwolle)
    assert zwolle_letter.amount == FALLBACK_AMOUNTS["GM0193"]
    assert "geen leerlingtellingen" in zwolle_letter.note

    assert SpendingGoal.objects.filter(municipality=utrecht).count() == 3
    assert Spending.objects.filter(municipality=utrecht).count() == 7
    # Zwolle: one spending row with a prestatiedatum after the NPO window (31 July 2025).
    late = Spending.objects.filter(municipality=zwolle, performance_date__gt="2025-07-31")
    assert [s.amount for s in late] == [Decimal("18400.00")]


def test_demo_budgets_without_cycles_plan_nothing():
    seed_municipalities()
    out = io.StringIO()
    seed(out)
    assert "geen NPO-cyclus" in out.getvalue()
    assert not SpendingGoal.objects.exists()
    assert Beschikking.objects.count() == 3
