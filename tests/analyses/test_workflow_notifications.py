"""The schools' analysis workflow mails are notifications (issue 22): each reaches its user as
a bell item and is mailed as their preference for "Berichten over schoolanalyses" says, at once
with the unsubscribe link and the RFC 8058 headers, in a digest, or not at all."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications.models import Frequency, Kind, MailState, Notification, Preference
from notifications.services import daily_pass
from tests.analyses.factories import SchoolAnalysisFactory

pytestmark = pytest.mark.django_db


def _submit(municipality, school_member, analysis, capture):
    client = Client()
    client.force_login(school_member)
    with capture(execute=True):
        client.post(
            reverse(
                "analyses:submit",
                kwargs={"municipality_slug": municipality.slug, "analysis_pk": analysis.pk},
            )
        )


def test_a_submitted_analysis_is_a_notification_mailed_with_an_unsubscribe_link(
    django_capture_on_commit_callbacks, municipality, school, school_member, officer
):
    analysis = SchoolAnalysisFactory(school=school, complete=True)
    _submit(municipality, school_member, analysis, django_capture_on_commit_callbacks)

    notification = Notification.objects.get(user=officer)
    assert notification.kind == Kind.ANALYSIS_UPDATE
    assert notification.title.startswith("Schoolanalyse ingediend: Basisschool De Linde")
    assert notification.url == f"/g/{municipality.slug}/schoolanalyses/{analysis.pk}/"
    assert notification.mail_state == MailState.MAILED
    (message,) = [m for m in mail.outbox if m.to == [officer.email]]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/meldingen/afmelden/" in message.extra_headers["List-Unsubscribe"]
    assert "/meldingen/afmelden/" in message.body
    assert "Basisschool De Linde" in message.body


def test_off_keeps_the_bell_item_and_sends_no_mail(
    django_capture_on_commit_callbacks, municipality, school, school_member, officer
):
    Preference.objects.create(user=officer, kind=Kind.ANALYSIS_UPDATE, frequency=Frequency.OFF)
    analysis = SchoolAnalysisFactory(school=school, complete=True)
    _submit(municipality, school_member, analysis, django_capture_on_commit_callbacks)

    assert Notification.objects.get(user=officer).mail_state == MailState.NONE
    assert not [m for m in mail.outbox if m.to == [officer.email]]


def test_a_daily_digest_gathers_it_on_the_next_pass(
    django_capture_on_commit_callbacks, municipality, school, school_member, officer
):
    Preference.objects.create(user=officer, kind=Kind.ANALYSIS_UPDATE, frequency=Frequency.DAILY)
    analysis = SchoolAnalysisFactory(school=school, complete=True)
    _submit(municipality, school_member, analysis, django_capture_on_commit_callbacks)
    assert Notification.objects.get(user=officer).mail_state == MailState.WAITING
    assert not [m for m in mail.outbox if m.to == [officer.email]]

    with django_capture_on_commit_callbacks(execute=True):
        daily_pass(today=datetime.date.today())
    (digest,) = [m for m in mail.outbox if m.to == [officer.email]]
    assert "Basisschool De Linde" in digest.body
    assert Notification.objects.get(user=officer).mail_state == MailState.MAILED
