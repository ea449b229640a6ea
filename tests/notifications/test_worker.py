"""With the real worker on the broker (Redis with REDIS_URL) and a local SMTP server: reminders
once per day however often beat runs, a refusing server (retries, then 'mislukt', never an error
page), a digest that gathers a day's items, and the one-click unsubscribe of a received mail."""

import datetime
import time

import pytest
from django.urls import reverse

from core.models import MailLog
from municipalities.models import Invitation, Role
from notifications.models import Frequency, Preference
from notifications.tasks import daily_pass_task
from tests.factories import MembershipFactory, MunicipalityFactory, SchoolFactory
from tests.notifications.factories import DUE, cycle_with_due, school_with_user
from tests.notifications.smtp_sink import smtp_sink

pytestmark = pytest.mark.worker

D14 = DUE - datetime.timedelta(days=14)


def _wait(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met within the time")


def test_a_reminder_is_sent_once_per_day_however_often_beat_runs(celery_worker, settings):
    with smtp_sink() as sink:
        settings.MAILERS = sink.mailer()
        municipality = MunicipalityFactory(name="Utrecht", slug="utrecht")
        cycle_with_due(municipality)
        school_with_user(municipality, email="ib@linde.example")

        # Beat fires three times on the same day (a restart, a second beat by mistake).
        runs = [daily_pass_task.delay(D14.isoformat()) for _ in range(3)]
        assert sorted(r.get(timeout=30) for r in runs) == [0, 0, 1]
        assert sink.wait_for(1, timeout=30)
        time.sleep(1)  # nothing else arrives
        assert len(sink.messages) == 1
        message = sink.messages[0]
        assert sink.recipients == [["ib@linde.example"]]
        assert message["Subject"].startswith("Nog 14 dagen: lever de schoolanalyse")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
        log = MailLog.objects.get()
        assert (log.status, log.attempts, log.kind) == (MailLog.Status.SENT, 1, "analysis_due")
        assert log.body_text == "" and log.body_html == ""  # the log keeps no bodies

        # The next day: the same reminder is not due again.
        assert daily_pass_task.delay((D14 + datetime.timedelta(days=1)).isoformat()).get(30) == 0


def test_a_refusing_smtp_server_gives_retries_and_mislukt_never_an_error_page(
    celery_worker, settings, client
):
    with smtp_sink(refuse=True) as sink:
        settings.MAILERS = sink.mailer()
        settings.MAIL_RETRY_BASE_SECONDS = 0
        settings.MAIL_MAX_ATTEMPTS = 3
        municipality = MunicipalityFactory(name="Utrecht", slug="utrecht")
        officer = MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER).user
        client.force_login(officer)

        response = client.post(
            reverse("municipalities:team_invite", args=[municipality.slug]),
            {"role": Role.VIEWER, "email": "nieuw@utrecht.example"},
        )
        assert response.status_code == 302  # saved; the mail is the worker's business
        assert Invitation.objects.filter(email="nieuw@utrecht.example").exists()

        log = _wait(
            lambda: MailLog.objects.filter(kind="invitation", status=MailLog.Status.FAILED).first()
        )
        assert log.attempts == 3
        assert "421" in log.last_error
        assert sink.connections == 3
        assert sink.messages == []
        assert log.body_text == ""


def test_a_digest_gathers_a_days_items_into_one_mail(celery_worker, settings):
    with smtp_sink() as sink:
        settings.MAILERS = sink.mailer()
        utrecht = MunicipalityFactory(name="Utrecht", slug="utrecht")
        zwolle = MunicipalityFactory(name="Zwolle", slug="zwolle")
        cycle_with_due(utrecht)
        cycle_with_due(zwolle)
        _school, user = school_with_user(utrecht, email="ib@linde.example")
        # The same person is also the contact of a school in Zwolle.
        anker = SchoolFactory(municipality=zwolle, name="OBS Het Anker")
        MembershipFactory(municipality=zwolle, user=user, role=Role.SCHOOL, school=anker)
        Preference.objects.create(user=user, kind="analysis_due", frequency=Frequency.DAILY)

        assert daily_pass_task.delay(D14.isoformat()).get(timeout=30) == 1  # one digest
        assert sink.wait_for(1, timeout=30)
        time.sleep(1)
        assert len(sink.messages) == 1
        digest = sink.messages[0]
        assert sink.recipients == [["ib@linde.example"]]
        assert digest["Subject"] == "Je dagoverzicht van NPO-platform: 2 meldingen"
        assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = digest.get_body(("plain",)).get_content()
        assert text.index("Gemeente Utrecht") < text.index("Basisschool De Linde")
        assert text.index("Gemeente Zwolle") < text.index("OBS Het Anker")
        assert user.notifications.filter(mail_state="mailed").count() == 2
        # A second pass that day sends no second digest.
        assert daily_pass_task.delay(D14.isoformat()).get(timeout=30) == 0
