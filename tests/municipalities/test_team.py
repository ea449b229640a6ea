"""The Team page: members and open invitations; buttons only for editors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.models import Role
from tests.factories import MembershipFactory
from tests.municipalities.isolation import KWARG_FACTORIES

pytestmark = pytest.mark.django_db


def team_url(municipality):
    return reverse("municipalities:team", args=[municipality.slug])


def test_editor_sees_members_invitations_form_and_buttons(officer_client, municipality):
    viewer = MembershipFactory(municipality=municipality, role=Role.VIEWER).user
    KWARG_FACTORIES["invitation_pk"](municipality)
    body = officer_client.get(team_url(municipality)).content.decode()
    assert viewer.email in body
    assert "uitgenodigd-" in body
    assert "Iemand uitnodigen" in body
    assert "Toegang beëindigen" in body and "Intrekken" in body
    assert 'href="/g/utrecht/team/" aria-current="page"' in body
    assert "Activiteitenlog" in body


def test_viewer_reads_the_team_page_without_buttons(client, municipality):
    viewer = MembershipFactory(municipality=municipality, role=Role.VIEWER).user
    MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER)
    KWARG_FACTORIES["invitation_pk"](municipality)
    client.force_login(viewer)
    response = client.get(team_url(municipality))
    body = response.content.decode()
    assert response.status_code == 200
    assert "uitgenodigd-" in body
    assert '<form method="post" action="/g/utrecht/team' not in body
    assert "Iemand uitnodigen" not in body and "Toegang beëindigen" not in body
    assert "Activiteitenlog" not in body  # nav item only for editors


def test_team_page_query_count_does_not_grow(
    officer_client, municipality, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            MembershipFactory(municipality=municipality, role=Role.SCHOOL)
            KWARG_FACTORIES["invitation_pk"](municipality)

    add(1)
    officer_client.get(team_url(municipality))
    with CaptureQueriesContext(connection) as few:
        officer_client.get(team_url(municipality))
    add(15)
    with django_assert_num_queries(len(few)):
        officer_client.get(team_url(municipality))


def test_team_page_works_for_each_municipality_of_an_advisor(
    client, municipality, other_municipality
):
    advisor = MembershipFactory(municipality=municipality, role=Role.ADVISOR).user
    MembershipFactory(municipality=other_municipality, role=Role.ADVISOR, user=advisor)
    zwolle_officer = MembershipFactory(municipality=other_municipality).user
    client.force_login(advisor)
    assert zwolle_officer.email not in client.get(team_url(municipality)).content.decode()
    assert zwolle_officer.email in client.get(team_url(other_municipality)).content.decode()
