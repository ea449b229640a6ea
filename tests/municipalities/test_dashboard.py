"""The dashboard ("Overzicht") shows each app's panel to the roles allowed to see it, in a number
of queries that does not grow with the municipality's data."""

import pytest
from django.urls import reverse

from analyses.models import AnalysisStatus
from municipalities.models import Role
from tests.analyses.factories import SchoolAnalysisFactory, open_cycle, school_user
from tests.budgets.factories import AllocationFactory, SpendingFactory, SpendingGoalFactory
from tests.cycles.factories import GoalFactory, ProgressUpdateFactory
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _fill(municipality, n: int) -> None:
    cycle = open_cycle(municipality)
    for _ in range(n):
        school = SchoolFactory(municipality=municipality)
        SchoolAnalysisFactory(
            school=school, cycle=cycle, status=AnalysisStatus.SUBMITTED, complete=True
        )
        goal = GoalFactory(cycle=cycle)
        ProgressUpdateFactory(activity__goal=goal, measured_value=70)
        spending_goal = SpendingGoalFactory(municipality=municipality, cycle=cycle)
        AllocationFactory(municipality=municipality)
        SpendingFactory(spending_goal=spending_goal)


def _dashboard(client, municipality):
    return client.get(reverse("municipalities:dashboard", args=[municipality.slug]))


def test_officer_sees_every_panel(client, municipality, member_factory):
    _fill(municipality, 2)
    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    body = _dashboard(client, municipality).content.decode()
    for heading in ("4D-cyclus", "Schoolanalyses", "Scholen", "Budget", "Rapportages"):
        assert f">{heading}</h2>" in body, heading
    assert "2 van 2 scholen hebben hun analyse ingediend." in body
    assert "Huidige fase: <strong>Data</strong>" in body


def test_school_sees_only_its_own_analysis_and_no_budget(client, municipality):
    _fill(municipality, 2)
    client.force_login(school_user(municipality))
    body = _dashboard(client, municipality).content.decode()
    assert ">Jouw schoolanalyse</h2>" in body
    for heading in ("Budget", "Scholen", "4D-cyclus", "Schoolanalyses"):
        assert f">{heading}</h2>" not in body, heading
    assert "€" not in body


def test_without_a_cycle_the_panels_say_so(client, municipality, member_factory):
    client.force_login(member_factory(municipality, Role.VIEWER))
    body = _dashboard(client, municipality).content.decode()
    assert "Er loopt nu geen 4D-cyclus." in body
    assert "Start een cyclus" not in body  # a viewer cannot start one


def test_query_count_does_not_grow_with_the_data(
    client, municipality, member_factory, django_assert_num_queries
):
    user = member_factory(municipality, Role.POLICY_OFFICER)
    _fill(municipality, 2)
    client.force_login(user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _dashboard(client, municipality)  # the first request after login refreshes the session
    with CaptureQueriesContext(connection) as small:
        assert _dashboard(client, municipality).status_code == 200
    _fill(municipality, 20)
    with django_assert_num_queries(len(small.captured_queries)):
        assert _dashboard(client, municipality).status_code == 200
