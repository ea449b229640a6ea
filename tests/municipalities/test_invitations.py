"""Invitations: invite, accept (new and existing account), expired/reused/revoked links, revoke."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Invitation, Membership, Role, User
from tests.factories import TEST_PASSWORD, MembershipFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Een-lang-en-goed-wachtwoord-2026"


def invite(client, municipality, capture, **data):
    url = reverse("municipalities:team_invite", args=[municipality.slug])
    with capture(execute=True):
        return client.post(url, {"role": Role.VIEWER, **data})


def link_from_outbox() -> str:
    match = re.search(r"https?://\S+/uitnodiging/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_officer_invites_a_new_person_who_sets_a_password_and_lands_in_the_municipality(
    client, officer_client, municipality, django_capture_on_commit_callbacks
):
    response = invite(
        officer_client, municipality, django_capture_on_commit_callbacks, email="Nieuw@Utrecht.nl"
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "nieuw@utrecht.nl"
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@utrecht.nl"]
    assert message.subject == "Uitnodiging voor NPO-platform: gemeente Utrecht"
    assert "kies een wachtwoord" in message.body
    link = link_from_outbox()
    token = link.rstrip("/").rsplit("/", 1)[1]
    # Only a hash of the token is stored.
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64

    accept = path_of(link)
    client.logout()
    page = client.get(accept)
    assert page.status_code == 200
    assert "Uitnodiging voor Utrecht" in page.content.decode()

    weak = client.post(accept, {"new_password1": "1234", "new_password2": "1234"})
    assert weak.status_code == 200
    assert "Dit wachtwoord is te algemeen" in weak.content.decode()
    assert not User.objects.filter(email="nieuw@utrecht.nl").exists()

    done = client.post(
        accept,
        {
            "display_name": "Nina Nieuw",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302
    assert done.url == f"/g/{municipality.slug}/"
    user = User.objects.get(email="nieuw@utrecht.nl")
    assert user.check_password(NEW_PASSWORD) and user.display_name == "Nina Nieuw"
    assert client.session["_auth_user_id"] == str(user.pk)
    membership = Membership.objects.get(user=user)
    assert (membership.municipality, membership.role) == (municipality, Role.VIEWER)
    assert client.get(done.url).status_code == 200

    # The link works once.
    client.logout()
    reused = client.get(accept)
    assert reused.status_code == 410
    assert "al gebruikt" in reused.content.decode()


def test_inviting_an_existing_user_adds_a_membership_after_they_log_in(
    client, officer_client, municipality, other_municipality, django_capture_on_commit_callbacks
):
    advisor = MembershipFactory(municipality=other_municipality, role=Role.ADVISOR).user
    invite(
        officer_client,
        municipality,
        django_capture_on_commit_callbacks,
        email=advisor.email.upper(),
        role=Role.ADVISOR,
    )
    assert "Je hebt al een account" in mail.outbox[0].body
    accept = path_of(link_from_outbox())

    client.logout()
    assert "Log in" in client.get(accept).content.decode()
    # A new account cannot be made for an address that has one.
    client.post(accept, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert Membership.objects.filter(user=advisor).count() == 1

    client.force_login(advisor)
    assert client.get(accept).status_code == 200
    response = client.post(accept)
    assert response.status_code == 302 and response.url == f"/g/{municipality.slug}/"
    assert set(
        Membership.objects.active()
        .filter(user=advisor)
        .values_list("municipality__slug", flat=True)
    ) == {"utrecht", "zwolle"}
    advisor.refresh_from_db()
    assert advisor.check_password(TEST_PASSWORD)  # the account itself is unchanged


def test_someone_else_logged_in_cannot_accept(
    client, officer_client, municipality, django_capture_on_commit_callbacks
):
    invite(officer_client, municipality, django_capture_on_commit_callbacks, email="a@b.nl")
    accept = path_of(link_from_outbox())
    client.force_login(UserFactory())
    assert client.get(accept).status_code == 403
    assert client.post(accept).status_code == 403
    assert Invitation.objects.get().accepted_at is None


def test_expired_link_is_refused(
    client, officer_client, municipality, django_capture_on_commit_callbacks
):
    invite(officer_client, municipality, django_capture_on_commit_callbacks, email="a@b.nl")
    accept = path_of(link_from_outbox())
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.logout()
    response = client.get(accept)
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    post = client.post(accept, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert post.status_code == 410
    assert not User.objects.filter(email="a@b.nl").exists()


def test_revoked_link_is_refused(
    client, officer_client, municipality, django_capture_on_commit_callbacks
):
    invite(officer_client, municipality, django_capture_on_commit_callbacks, email="a@b.nl")
    accept = path_of(link_from_outbox())
    invitation = Invitation.objects.get()
    response = officer_client.post(
        reverse("municipalities:team_invitation_revoke", args=[municipality.slug, invitation.pk])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.logout()
    assert client.get(accept).status_code == 410
    assert "ingetrokken" in client.get(accept).content.decode()


def test_unknown_token_is_404(client):
    assert client.get(reverse("invitation_accept", args=["nonsense"])).status_code == 404


def test_inviting_again_replaces_the_open_invitation(
    officer_client, municipality, django_capture_on_commit_callbacks
):
    invite(officer_client, municipality, django_capture_on_commit_callbacks, email="a@b.nl")
    first = path_of(link_from_outbox())
    invite(officer_client, municipality, django_capture_on_commit_callbacks, email="a@b.nl")
    assert len(mail.outbox) == 2
    assert Invitation.objects.open().count() == 1
    officer_client.logout()
    assert officer_client.get(first).status_code == 410


def test_school_role_needs_a_school_of_this_municipality(
    officer_client, municipality, other_municipality, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    missing = invite(officer_client, municipality, capture, email="s@b.nl", role=Role.SCHOOL)
    assert missing.status_code == 200
    assert "Kies de school" in missing.content.decode()
    foreign = SchoolFactory(municipality=other_municipality)
    wrong = invite(
        officer_client, municipality, capture, email="s@b.nl", role=Role.SCHOOL, school=foreign.pk
    )
    assert wrong.status_code == 200
    assert not Invitation.objects.exists() and not mail.outbox

    school = SchoolFactory(municipality=municipality)
    ok = invite(
        officer_client, municipality, capture, email="s@b.nl", role=Role.SCHOOL, school=school.pk
    )
    assert ok.status_code == 302
    assert Invitation.objects.get().school == school
    assert school.name in mail.outbox[0].body


def test_a_member_cannot_be_invited_again(
    officer_client, municipality, member_factory, django_capture_on_commit_callbacks
):
    viewer = member_factory(municipality, Role.VIEWER)
    response = invite(
        officer_client, municipality, django_capture_on_commit_callbacks, email=viewer.email
    )
    assert response.status_code == 200
    assert "heeft al toegang" in response.content.decode()
    assert not mail.outbox


def test_ending_a_membership_keeps_the_account_and_other_memberships(
    client, officer_client, municipality, other_municipality
):
    advisor = UserFactory()
    here = MembershipFactory(user=advisor, municipality=municipality, role=Role.ADVISOR)
    MembershipFactory(user=advisor, municipality=other_municipality, role=Role.ADVISOR)
    url = reverse("municipalities:team_membership_end", args=[municipality.slug, here.pk])
    assert officer_client.post(url).status_code == 302
    here.refresh_from_db()
    assert here.ended_at is not None
    advisor.refresh_from_db()
    assert advisor.is_active
    client.force_login(advisor)
    assert client.get(f"/g/{municipality.slug}/").status_code == 404
    assert client.get(f"/g/{other_municipality.slug}/").status_code == 200
    # Ended memberships are not listed any more and cannot be ended twice.
    assert advisor.email not in officer_client.get(f"/g/{municipality.slug}/team/").content.decode()
    assert officer_client.post(url).status_code == 404


def test_nobody_ends_their_own_membership(officer_client, officer, municipality):
    own = officer.memberships.get()
    url = reverse("municipalities:team_membership_end", args=[municipality.slug, own.pk])
    response = officer_client.post(url, follow=True)
    assert "eigen toegang niet beëindigen" in response.content.decode()
    own.refresh_from_db()
    assert own.ended_at is None


def test_an_ended_member_can_be_invited_again(
    client, officer_client, municipality, member_factory, django_capture_on_commit_callbacks
):
    viewer = member_factory(municipality, Role.VIEWER)
    membership = viewer.memberships.get()
    officer_client.post(
        reverse("municipalities:team_membership_end", args=[municipality.slug, membership.pk])
    )
    invite(officer_client, municipality, django_capture_on_commit_callbacks, email=viewer.email)
    client.force_login(viewer)
    assert client.post(path_of(link_from_outbox())).status_code == 302
    assert Membership.objects.active().filter(user=viewer, municipality=municipality).count() == 1


def test_an_invitation_is_sent_again_with_a_new_link(
    client, officer_client, municipality, django_capture_on_commit_callbacks
):
    """The "Opnieuw versturen" button (the expiring-invitation reminder links to it): a new
    link with a new term goes out; the old link stops working."""
    invite(officer_client, municipality, django_capture_on_commit_callbacks, email="a@b.nl")
    old_link = path_of(link_from_outbox())
    invitation = Invitation.objects.get()
    Invitation.objects.update(expires_at=timezone.now() + timedelta(hours=20))
    team = officer_client.get(reverse("municipalities:team", args=[municipality.slug]))
    assert f'id="uitnodiging-{invitation.pk}"' in team.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse(
                "municipalities:team_invitation_resend", args=[municipality.slug, invitation.pk]
            )
        )
    assert response.status_code == 302
    new = Invitation.objects.exclude(pk=invitation.pk).get()
    assert (new.email, new.role) == (invitation.email, invitation.role)
    assert new.expires_at > timezone.now() + timedelta(days=1)
    new_link = path_of(link_from_outbox())
    assert new_link != old_link
    client.logout()
    assert client.get(old_link).status_code == 410
    assert client.get(new_link).status_code == 200
    # A revoked invitation is not sent again.
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse(
                "municipalities:team_invitation_resend", args=[municipality.slug, invitation.pk]
            )
        )
    assert Invitation.objects.count() == 2
