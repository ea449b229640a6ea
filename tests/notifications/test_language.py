"""The language switcher keeps the choice on the account; mails are in the recipient's language."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import UserSettings
from accounts.services import security_mail_send
from notifications.services import daily_pass
from tests.notifications.factories import DUE, cycle_with_due, school_with_user

pytestmark = pytest.mark.django_db


def test_the_switcher_stores_the_language_on_the_account(officer_client, officer):
    response = officer_client.post(
        reverse("accounts:language_set"), {"language": "en", "next": "/"}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert UserSettings.objects.get(user=officer).language == "en"
    officer_client.post(reverse("accounts:language_set"), {"language": "nl", "next": "/"})
    assert UserSettings.objects.get(user=officer).language == "nl"


def test_an_anonymous_switch_sets_only_the_cookie(client):
    response = client.post(reverse("accounts:language_set"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and not UserSettings.objects.exists()


def test_reminders_and_security_mails_in_the_recipients_language(
    municipality, django_capture_on_commit_callbacks
):
    cycle_with_due(municipality)
    _school, english = school_with_user(municipality, email="ib@linde.example")
    _other, dutch = school_with_user(municipality, name="OBS Het Anker", email="ib@anker.example")
    UserSettings.objects.create(user=english, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        daily_pass(today=DUE - datetime.timedelta(days=14))
        security_mail_send(user_id=english.pk, kind="password_changed")
    by_address = {}
    for message in mail.outbox:
        by_address.setdefault(message.to[0], []).append(message)
    reminder_en, security_en = by_address["ib@linde.example"]
    (reminder_nl,) = by_address["ib@anker.example"]
    assert reminder_en.subject.startswith("14 days left: hand in the school analysis of")
    assert (
        "Hello" in reminder_en.body and "Unsubscribe from this kind of e-mail" in reminder_en.body
    )
    assert '<html lang="en">' in reminder_en.alternatives[0].content
    assert reminder_nl.subject.startswith("Nog 14 dagen: lever de schoolanalyse van OBS Het Anker")
    assert "Hallo" in reminder_nl.body
    assert "the school analysis of" not in reminder_nl.body
    assert security_en.subject != "NPO-platform: je wachtwoord is gewijzigd"
    assert english.notifications.get().title.startswith("14 days left")
