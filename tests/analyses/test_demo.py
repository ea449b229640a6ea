import io

import pytest

from analyses import demo as analysis_demo
from analyses.models import AnalysisStatus, SchoolAnalysis
from budgets import demo as budgets_demo
from closeout import demo as closeout_demo
from cycles import demo as cycles_demo
from cycles.models import Cycle
from municipalities import demo as municipalities_demo
from municipalities.models import Municipality, Role, User
from schools.models import School
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def seed_cycles() -> None:
    """Utrecht's closed NPO cycle and (through the close-out seeder) its current LEA cycle."""
    cycles_demo.seed(io.StringIO())
    budgets_demo.seed(io.StringIO())
    closeout_demo.seed(io.StringIO())


def test_demo_analyses_for_most_utrecht_schools_with_varied_delays_and_is_idempotent():
    municipalities_demo.seed(io.StringIO())
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    for i in range(40):
        SchoolFactory(
            municipality=utrecht, sector=School.Sector.VO if i % 5 == 0 else School.Sector.BO
        )
    seed_cycles()
    out = io.StringIO()
    analysis_demo.seed(out)
    current = Cycle.objects.get(municipality=utrecht, phase="data")
    analyses = SchoolAnalysis.objects.filter(municipality=utrecht, cycle=current)
    count = analyses.count()
    assert 0.7 * 40 <= count < 40  # most, not all: the overview has schools to remind
    assert {a.delay_taal for a in analyses} >= {"geen", "klein", "groot"}
    assert analyses.filter(status=AnalysisStatus.ACCEPTED).exists()
    assert analyses.exclude(status=AnalysisStatus.DRAFT).count() > count / 2
    assert all(a.cycle.is_open for a in analyses)
    # The closed NPO cycle has its own round, submitted in 2023 and accepted.
    old = SchoolAnalysis.objects.filter(municipality=utrecht).exclude(cycle=current)
    assert 0.7 * 40 <= old.count() < 40
    assert {a.status for a in old} == {AnalysisStatus.ACCEPTED}
    assert {a.submitted_at.year for a in old} == {2023}
    text = out.getvalue()
    assert "directie@school-utrecht.demo" in text and "ib@school-utrecht.demo" in text
    user = User.objects.get(email="directie@school-utrecht.demo")
    membership = user.memberships.get()
    assert membership.role == Role.SCHOOL and membership.school.municipality == utrecht
    returned = analyses.get(
        school=User.objects.get(email="ib@school-utrecht.demo").memberships.get().school
    )
    assert returned.status == AnalysisStatus.RETURNED and returned.review_comment

    total = SchoolAnalysis.objects.filter(municipality=utrecht).count()
    analysis_demo.seed(io.StringIO())
    assert SchoolAnalysis.objects.filter(municipality=utrecht).count() == total
    assert User.objects.filter(email__endswith="@school-utrecht.demo").count() == 2


def test_demo_without_schools_or_cycle_does_nothing():
    out = io.StringIO()
    analysis_demo.seed(out)
    assert "overgeslagen" in out.getvalue()
    assert not SchoolAnalysis.objects.exists()


def test_the_printed_school_logins_say_what_their_analysis_is_now():
    municipalities_demo.seed(io.StringIO())
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    for _i in range(6):
        SchoolFactory(municipality=utrecht, sector=School.Sector.BO)
    seed_cycles()
    first = io.StringIO()
    analysis_demo.seed(first)
    assert "Yusuf Demir – intern begeleider (rol school), analyse teruggestuurd" in first.getvalue()
    # The school resubmits after the first run: the next run says so, not "teruggestuurd".
    school = User.objects.get(email="ib@school-utrecht.demo").memberships.get().school
    SchoolAnalysis.objects.filter(school=school, cycle__phase="data").update(
        status=AnalysisStatus.RESUBMITTED
    )
    again = io.StringIO()
    analysis_demo.seed(again)
    assert (
        "Yusuf Demir – intern begeleider (rol school), analyse opnieuw ingediend"
        in again.getvalue()
    )


def test_a_returned_demo_analysis_has_its_remark_to_reply_to():
    municipalities_demo.seed(io.StringIO())
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    for _i in range(4):
        SchoolFactory(municipality=utrecht, sector=School.Sector.BO)
    seed_cycles()
    analysis_demo.seed(io.StringIO())
    school = User.objects.get(email="ib@school-utrecht.demo").memberships.get().school
    returned = SchoolAnalysis.objects.get(school=school, cycle__phase="data")
    remark = returned.remarks.get()
    assert remark.text == returned.review_comment and remark.kind == "terugsturen"
    assert remark.municipality == utrecht
