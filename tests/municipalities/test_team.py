"""The Team page: members and open invitations; buttons only for editors."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.models import AuditLogEntry, Role
from municipalities.services import membership_change_role, membership_end
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
    expected = len(few)  # read now: the next request empties the connection's query log
    add(15)
    officer_client.get(team_url(municipality))  # the header's theme is read again after a write
    with django_assert_num_queries(expected):
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


# --- Changing a member's role ----------------------------------------------------------------------


def role_url(municipality, membership):
    return reverse("municipalities:team_membership_role", args=[municipality.slug, membership.pk])


def test_editor_changes_a_viewer_into_a_policy_officer(officer_client, officer, municipality):
    membership = MembershipFactory(
        municipality=municipality, role=Role.VIEWER, user__display_name="Anna de Vries"
    )
    response = officer_client.post(role_url(municipality, membership), {"role": "policy_officer"})
    assert response.status_code == 302
    assert response["Location"] == team_url(municipality)
    membership.refresh_from_db()
    assert membership.role == Role.POLICY_OFFICER
    entry = AuditLogEntry.objects.get(event=AuditLogEntry.Event.MEMBERSHIP_ROLE_CHANGED)
    assert entry.actor == officer
    assert entry.municipality == municipality
    assert entry.object_pk == str(membership.pk)
    assert entry.changes["role"] == ["viewer", "policy_officer"]
    body = officer_client.get(team_url(municipality)).content.decode()
    assert "De rol van Anna de Vries is nu Beleidsmedewerker." in body
    # The new role gives its rights straight away: the Activiteitenlog is for editors only.
    member = Client()
    member.force_login(membership.user)
    activity = reverse("municipalities:activity_log", args=[municipality.slug])
    assert member.get(activity).status_code == 200


def test_nobody_changes_their_own_role(officer_client, officer, municipality):
    own = officer.memberships.get()
    response = officer_client.post(role_url(municipality, own), {"role": "viewer"}, follow=True)
    assert "Je kunt je eigen rol niet wijzigen." in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.POLICY_OFFICER
    assert not AuditLogEntry.objects.filter(
        event=AuditLogEntry.Event.MEMBERSHIP_ROLE_CHANGED
    ).exists()


def test_a_school_membership_keeps_its_role_and_school(officer_client, municipality):
    membership = MembershipFactory(municipality=municipality, role=Role.SCHOOL)
    school = membership.school
    response = officer_client.post(
        role_url(municipality, membership), {"role": "viewer"}, follow=True
    )
    assert "De rol school kun je hier niet geven of wijzigen." in response.content.decode()
    membership.refresh_from_db()
    assert (membership.role, membership.school) == (Role.SCHOOL, school)


@pytest.mark.parametrize("value", ["school", "superuser", ""])
def test_only_advisor_policy_officer_or_viewer_can_be_chosen(officer_client, municipality, value):
    membership = MembershipFactory(municipality=municipality, role=Role.VIEWER)
    response = officer_client.post(role_url(municipality, membership), {"role": value}, follow=True)
    # Said at that member's role field and in the error summary (no redirect to a banner).
    assert response.status_code == 200 and response.redirect_chain == []
    body = response.content.decode()
    assert (
        f'<p class="utrecht-form-field-error-message" id="role-{membership.pk}-error">Kies een rol.'
        in body
    )
    assert f'<a href="#role-{membership.pk}" class="utrecht-link">' in body
    membership.refresh_from_db()
    assert (membership.role, membership.school) == (Role.VIEWER, None)


def test_the_service_refuses_the_school_role_and_the_current_role(officer, municipality):
    membership = MembershipFactory(municipality=municipality, role=Role.VIEWER)
    with pytest.raises(ValidationError, match="De rol school kun je hier niet"):
        membership_change_role(membership=membership, role=Role.SCHOOL, changed_by=officer)
    with pytest.raises(ValidationError, match="heeft deze rol al"):
        membership_change_role(membership=membership, role=Role.VIEWER, changed_by=officer)
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_the_same_role_again_is_an_error_and_changes_nothing(officer_client, municipality):
    membership = MembershipFactory(
        municipality=municipality, role=Role.ADVISOR, user__display_name="Bram Jansen"
    )
    response = officer_client.post(
        role_url(municipality, membership), {"role": "advisor"}, follow=True
    )
    assert "Bram Jansen heeft deze rol al." in response.content.decode()
    assert not AuditLogEntry.objects.filter(
        event=AuditLogEntry.Event.MEMBERSHIP_ROLE_CHANGED
    ).exists()


def test_an_ended_membership_cannot_get_another_role(officer_client, officer, municipality):
    membership = MembershipFactory(municipality=municipality, role=Role.VIEWER)
    membership_end(membership=membership, ended_by=officer)
    assert (
        officer_client.post(role_url(municipality, membership), {"role": "advisor"}).status_code
        == 404
    )
    with pytest.raises(ValidationError, match="al beëindigd"):
        membership_change_role(membership=membership, role=Role.ADVISOR, changed_by=officer)
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_a_viewer_cannot_change_roles(client, municipality):
    viewer = MembershipFactory(municipality=municipality, role=Role.VIEWER).user
    other = MembershipFactory(municipality=municipality, role=Role.VIEWER)
    client.force_login(viewer)
    response = client.post(role_url(municipality, other), {"role": "advisor"})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.role == Role.VIEWER


def test_another_municipalitys_membership_is_not_found(
    officer_client, municipality, other_municipality
):
    elsewhere = MembershipFactory(municipality=other_municipality, role=Role.VIEWER)
    response = officer_client.post(role_url(municipality, elsewhere), {"role": "advisor"})
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.role == Role.VIEWER


def test_the_role_form_is_for_editors_and_not_on_their_own_or_a_school_row(
    client, officer_client, officer, municipality
):
    viewer = MembershipFactory(
        municipality=municipality, role=Role.VIEWER, user__display_name="Anna de Vries"
    )
    school = MembershipFactory(municipality=municipality, role=Role.SCHOOL)
    own = officer.memberships.get()
    body = officer_client.get(team_url(municipality)).content.decode()
    assert role_url(municipality, own) not in body
    assert role_url(municipality, school) not in body
    start = body.index(f'action="{role_url(municipality, viewer)}"')
    form = body[start : body.index("</form>", start)]
    assert 'name="csrfmiddlewaretoken"' in form
    assert (
        f'<label for="role-{viewer.pk}" class="visually-hidden">Rol van Anna de Vries</label>'
        in form
    )
    assert (
        f'<select id="role-{viewer.pk}" name="role" class="utrecht-select utrecht-select--html-select">'
        in form
    )
    assert '<option value="viewer" selected>Meelezer</option>' in form
    assert '<option value="advisor">Adviseur</option>' in form
    assert '<option value="policy_officer">Beleidsmedewerker</option>' in form
    assert 'value="school"' not in form
    assert "Wijzig rol" in form
    assert body.count('class="role-form"') == 1  # only the viewer's row

    client.force_login(viewer.user)
    body = client.get(team_url(municipality)).content.decode()
    assert "Wijzig rol" not in body
    assert "/rol/" not in body
