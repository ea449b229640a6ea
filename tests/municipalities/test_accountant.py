"""The accountant role (issue 18): reads the money of one municipality, never writes, and after
its membership's ``valid_until`` is treated as ended everywhere (checked in one place:
``Membership.objects.active()`` / ``active_membership_q``)."""

import datetime
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from municipalities.access import advisor_municipalities, user_municipalities
from municipalities.models import Invitation, Membership, Role, valid_until_latest
from municipalities.services import invitation_accept, invitation_create
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _accountant(municipality, valid_until):
    return MembershipFactory(
        municipality=municipality, role=Role.ACCOUNTANT, valid_until=valid_until
    ).user


@pytest.mark.parametrize(
    "days,dashboard,budget",
    [(0, 200, 200), (30, 200, 200), (-1, 404, 404), (-400, 404, 404)],
    ids=["last-day", "a-month-left", "one-day-past", "long-past"],
)
def test_both_sides_of_valid_until(client, municipality, days, dashboard, budget):
    client.force_login(_accountant(municipality, _today() + timedelta(days=days)))
    assert client.get(f"/g/{municipality.slug}/").status_code == dashboard
    assert client.get(f"/g/{municipality.slug}/budget/").status_code == budget
    export = reverse("budgets:export_csv", args=[municipality.slug, "toekenningen"])
    assert client.get(export).status_code == budget


def test_an_expired_membership_leaves_the_switcher_and_the_home_page(client, municipality):
    user = _accountant(municipality, _today() - timedelta(days=1))
    assert user_municipalities(user) == []
    client.force_login(user)
    home = client.get("/")
    assert home.status_code == 200  # "Mijn gemeenten" with nothing in it, no redirect
    assert f"/g/{municipality.slug}/" not in home.content.decode()


def test_an_advisor_past_valid_until_leaves_the_portfolio(municipality, other_municipality):
    user = UserFactory()
    MembershipFactory(user=user, municipality=municipality, role=Role.ADVISOR)
    MembershipFactory(
        user=user,
        municipality=other_municipality,
        role=Role.ADVISOR,
        valid_until=_today() - timedelta(days=1),
    )
    assert list(advisor_municipalities(user)) == [municipality]


def test_the_accountant_sees_the_budget_and_nothing_of_schools(client, municipality):
    client.force_login(_accountant(municipality, _today() + timedelta(days=10)))
    body = client.get(f"/g/{municipality.slug}/").content.decode()
    assert reverse("budgets:overview", args=[municipality.slug]) in body
    for hidden in ("analyses:overview", "municipalities:team", "reports:list", "cycles:list"):
        assert reverse(hidden, args=[municipality.slug]) not in body, hidden
    assert client.get(reverse("analyses:overview", args=[municipality.slug])).status_code == 403


def test_an_accountant_membership_needs_a_valid_until(municipality):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(), municipality=municipality, role=Role.ACCOUNTANT
        )


def test_twelve_months_ahead():
    assert valid_until_latest(datetime.date(2026, 11, 30)) == datetime.date(2027, 11, 30)
    assert valid_until_latest(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)


# --- Inviting an accountant on the team page ---------------------------------------------------


def _invite(client, municipality, **data):
    return client.post(
        reverse("municipalities:team_invite", args=[municipality.slug]),
        {"email": "acc@example.nl", "role": Role.ACCOUNTANT, **data},
    )


@pytest.mark.parametrize(
    "valid_until,message",
    [
        ("", "Geef aan tot en met welke datum een accountant toegang heeft"),
        ("past", "Deze datum ligt in het verleden."),
        ("too-far", "(12 maanden vooruit)"),
    ],
)
def test_the_invitation_form_refuses_a_bad_valid_until(
    officer_client, municipality, valid_until, message
):
    value = {
        "": "",
        "past": (_today() - timedelta(days=1)).isoformat(),
        "too-far": (valid_until_latest() + timedelta(days=1)).isoformat(),
    }[valid_until]
    response = _invite(officer_client, municipality, valid_until=value)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_invited_accountant_gets_the_end_date(
    officer_client, municipality, django_capture_on_commit_callbacks
):
    last_day = valid_until_latest()
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(officer_client, municipality, valid_until=last_day.isoformat())
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.valid_until == last_day
    (message,) = mail.outbox
    assert f"Je toegang loopt tot en met {date_format(last_day, 'j F Y')}." in message.body
    user = UserFactory(email="acc@example.nl")
    invitation_accept(invitation=invitation, user=user)
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.valid_until) == (Role.ACCOUNTANT, last_day)
    page = officer_client.get(reverse("municipalities:team", args=[municipality.slug]))
    assert last_day.strftime("%Y-%m-%d") in page.content.decode()  # the date form's value


def test_an_expired_accountant_can_be_invited_again(municipality, officer):
    user = _accountant(municipality, _today() - timedelta(days=5))
    invitation, _token = invitation_create(
        municipality=municipality,
        email=user.email,
        role=Role.ACCOUNTANT,
        valid_until=_today() + timedelta(days=60),
        invited_by=officer,
        site_url="http://testserver/",
    )
    invitation_accept(invitation=invitation, user=user)
    memberships = Membership.objects.filter(user=user).order_by("pk")
    assert [m.ended_at is not None for m in memberships] == [True, False]
    assert user_municipalities(user) == [municipality]


def test_an_editor_extends_the_accountants_access(officer_client, municipality):
    user = _accountant(municipality, _today() + timedelta(days=3))
    membership = Membership.objects.get(user=user)
    url = reverse(
        "municipalities:team_membership_valid_until", args=[municipality.slug, membership.pk]
    )
    new = _today() + timedelta(days=200)
    assert officer_client.post(url, {"valid_until": new.isoformat()}).status_code == 302
    membership.refresh_from_db()
    assert membership.valid_until == new
    too_far = (valid_until_latest() + timedelta(days=1)).isoformat()
    response = officer_client.post(url, {"valid_until": too_far}, follow=True)
    assert "12 maanden vooruit" in response.content.decode()
    membership.refresh_from_db()
    assert membership.valid_until == new


def test_the_accountant_role_is_not_changed_on_the_team_page(officer_client, municipality):
    viewer = MembershipFactory(municipality=municipality, role=Role.VIEWER)
    url = reverse("municipalities:team_membership_role", args=[municipality.slug, viewer.pk])
    officer_client.post(url, {"role": Role.ACCOUNTANT})
    viewer.refresh_from_db()
    assert viewer.role == Role.VIEWER


def test_a_cached_dashboard_is_not_served_after_valid_until(client, municipality, monkeypatch):
    from municipalities import pagecache

    today = _today()
    client.force_login(_accountant(municipality, today))
    url = f"/g/{municipality.slug}/"
    client.get(url)  # sets the CSRF cookie
    assert client.get(url).get(pagecache.STATUS_HEADER) == "miss"
    assert client.get(url).get(pagecache.STATUS_HEADER) == "hit"
    # Midnight passes: no write replaced any version, yet the page is not served again.
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + timedelta(days=1))
    assert client.get(url).status_code == 404


def test_the_admin_refuses_an_accountant_without_an_end_date(client, municipality):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = UserFactory()
    response = client.post(
        reverse("admin:municipalities_membership_add"),
        {
            "user": user.pk,
            "municipality": municipality.pk,
            "role": Role.ACCOUNTANT,
            "created_at_0": "2026-11-30",
            "created_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "Een accountant heeft een einddatum van de toegang nodig." in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()
