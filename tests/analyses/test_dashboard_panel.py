"""The dashboard's analyses panel: received and returned analyses of the open cycle, against the
municipality's active school locations (the schools panel's figure), in one query each
compiled once per process (issue 23)."""

import pytest

from analyses.models import AnalysisStatus
from analyses.panels import analyses_panel
from core.memo import memo_scope
from municipalities.models import Role
from schools.panels import schools_panel
from tests.analyses.factories import SchoolAnalysisFactory, open_cycle
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_counts_the_open_cycles_analyses_of_the_municipality(
    municipality, other_municipality, member_factory
):
    cycle = open_cycle(municipality)
    statuses = [
        AnalysisStatus.SUBMITTED,
        AnalysisStatus.RESUBMITTED,
        AnalysisStatus.ACCEPTED,
        AnalysisStatus.RETURNED,
        AnalysisStatus.RETURNED,
        AnalysisStatus.DRAFT,
    ]
    for status in statuses:
        SchoolAnalysisFactory(school__municipality=municipality, cycle=cycle, status=status)
    SchoolFactory(municipality=municipality, sector="VO")  # no analysis yet
    SchoolFactory(municipality=municipality, is_active=False)  # closed: not counted
    # Another municipality's analyses never count, not even one attached to this cycle.
    SchoolAnalysisFactory(school__municipality=other_municipality, status=AnalysisStatus.ACCEPTED)
    SchoolAnalysisFactory(
        school__municipality=other_municipality, cycle=cycle, status=AnalysisStatus.ACCEPTED
    )
    membership = member_factory(municipality, Role.POLICY_OFFICER).memberships.get()
    with memo_scope():
        data = analyses_panel(municipality=municipality, membership=membership)
        schools = schools_panel(municipality=municipality, membership=membership)
    assert (data["received"], data["returned"], data["schools"]) == (3, 2, 7)
    assert data["schools"] == schools["total"]
    assert data["percent"] == 43  # 3 of 7


def test_a_cycle_without_analyses_counts_zero(municipality, member_factory):
    open_cycle(municipality)
    SchoolFactory(municipality=municipality)
    membership = member_factory(municipality, Role.VIEWER).memberships.get()
    data = analyses_panel(municipality=municipality, membership=membership)
    assert (data["received"], data["returned"], data["schools"], data["percent"]) == (0, 0, 1, 0)
