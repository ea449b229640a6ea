"""Unsubscribing from a mail: a GET of the link changes nothing (mail scanners follow links); the
page's button or the mail client's one-click POST (RFC 8058) works without login, for that kind
only; a forged link changes nothing."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client

from municipalities.models import Role
from notifications.models import Frequency, Kind, MailState, Preference
from notifications.services import daily_pass
from tests.factories import MembershipFactory, MunicipalityFactory
from tests.notifications.factories import DUE, cycle_with_due, school_with_user

pytestmark = pytest.mark.django_db

D14 = DUE - datetime.timedelta(days=14)


def _pass(day, capture):
    with capture(execute=True):
        return daily_pass(today=day)


def _unsubscribe_path(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    match = re.fullmatch(r"<https?://[^/]+(/meldingen/afmelden/[^>]+/)>", header)
    assert match, header
    return match.group(1)


@pytest.fixture
def mailed(municipality, django_capture_on_commit_callbacks):
    cycle_with_due(municipality)
    _school, user = school_with_user(municipality, email="ib@linde.example")
    # The same person is a policy officer in a second municipality whose phase has stalled.
    zwolle = MunicipalityFactory(name="Zwolle", slug="zwolle")
    cycle_with_due(zwolle, phase_changed_at=datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC))
    MembershipFactory(municipality=zwolle, user=user, role=Role.POLICY_OFFICER)
    assert _pass(D14, django_capture_on_commit_callbacks).queued == 2
    (message,) = [m for m in mail.outbox if "schoolanalyse" in m.subject]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _unsubscribe_path(message) in message.body  # the same link in the text
    return user, message


def test_a_get_of_the_link_shows_one_button_and_changes_nothing(mailed):
    user, message = mailed
    anonymous = Client()
    for _ in range(3):  # a mail scanner, a preview, the person
        page = anonymous.get(_unsubscribe_path(message))
        assert page.status_code == 200
    html = page.content.decode()
    assert html.count('type="submit"') == 2  # the button (and the footer's language switcher)
    assert "Inleverdatum schoolanalyse" in html
    assert not Preference.objects.exists()


def test_one_click_post_without_login_unsubscribes_from_that_kind_only(
    mailed, django_capture_on_commit_callbacks
):
    user, message = mailed
    client = Client(enforce_csrf_checks=True)  # a mail client has no session and no CSRF token
    response = client.post(
        _unsubscribe_path(message),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Je bent afgemeld" in response.content.decode()
    stored = dict(Preference.objects.filter(user=user).values_list("kind", "frequency"))
    assert stored == {Kind.ANALYSIS_DUE: Frequency.OFF}

    # The next reminder of that kind: in the bell, not in the mailbox. The other kind still mails.
    before = len(mail.outbox)
    _pass(DUE - datetime.timedelta(days=3), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == before
    latest = user.notifications.filter(kind=Kind.ANALYSIS_DUE).order_by("-pk").first()
    assert latest.key.endswith(":d3") and latest.mail_state == MailState.NONE


def test_a_forged_or_altered_link_changes_nothing(mailed):
    user, message = mailed
    path = _unsubscribe_path(message)
    forged = path[:-6] + ("AAAAA/" if not path.endswith("AAAAA/") else "BBBBB/")
    client = Client()
    assert client.get(forged).status_code == 404
    assert client.post(forged).status_code == 404
    assert not Preference.objects.exists()
