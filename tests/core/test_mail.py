"""core.mail: queued in the sender's transaction, sent after the commit, one log row per message;
in-process (no broker) a failure is recorded and never raised into the request."""

import datetime
import socket

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.mail import backoff_seconds, mail_queue, mail_relay, mail_render
from core.models import MailLog
from municipalities.models import Invitation, Role
from tests.notifications.smtp_sink import smtp_sink

pytestmark = pytest.mark.django_db


def _queue(**kwargs):
    defaults = {"to": "a@example.nl", "subject": "Onderwerp", "text": "Tekst\n", "kind": "test"}
    return mail_queue(**{**defaults, **kwargs})


def test_a_message_is_sent_after_the_commit_and_logged_without_its_body(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        row = _queue(html="<p>Tekst</p>", headers={"List-Unsubscribe": "<https://x/afmelden/>"})
        assert mail.outbox == []  # not before the commit
    (message,) = mail.outbox
    assert message.to == ["a@example.nl"] and message.subject == "Onderwerp"
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["List-Unsubscribe"] == "<https://x/afmelden/>"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (MailLog.Status.SENT, 1, "")
    assert (row.body_text, row.body_html, row.headers) == ("", "", {})
    assert row.sent_at is not None


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _queue()
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass
    assert mail.outbox == [] and not MailLog.objects.exists()


def test_in_process_a_refusing_server_is_recorded_and_the_page_still_saves(
    client, municipality, member_factory, settings, django_capture_on_commit_callbacks
):
    """The embedded default (no broker): one attempt after the commit, 'mislukt', no 500."""
    with smtp_sink(refuse=True) as sink:
        settings.MAILERS = sink.mailer()
        client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("municipalities:team_invite", args=[municipality.slug]),
                {"role": Role.VIEWER, "email": "nieuw@utrecht.example"},
            )
        assert response.status_code == 302
        assert Invitation.objects.filter(email="nieuw@utrecht.example").exists()
        log = MailLog.objects.get(kind="invitation")
        assert (log.status, log.attempts) == (MailLog.Status.FAILED, 1)
        assert "421" in log.last_error
        assert sink.connections == 1


def test_transient_failures_are_retried_and_permanent_ones_are_not(settings):
    """No connection or a 4xx answer: another attempt later; a 5xx answer will not change."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    from core import mail as core_mail

    row = MailLog.objects.create(kind="test", to="a@example.nl", subject="s", body_text="t")
    import smtplib

    error = smtplib.SMTPRecipientsRefused({"a@example.nl": (550, b"no such user")})
    assert core_mail._is_transient(error) is False
    assert core_mail._is_transient(smtplib.SMTPConnectError(421, "busy")) is True
    assert core_mail._is_transient(ConnectionRefusedError()) is True
    outcome, attempt = core_mail.mail_deliver(log_id=row.pk, final=False)
    # Port 9 refuses the connection: transient, so a retry is allowed.
    assert (outcome, attempt) == ("retry", 1)
    row.refresh_from_db()
    assert row.status == MailLog.Status.QUEUED and row.body_text == "t"
    assert row.next_attempt_at > timezone.now()


def test_backoff_doubles_and_stays_below_the_visibility_timeout(settings):
    settings.MAIL_RETRY_BASE_SECONDS = 30
    assert [backoff_seconds(n) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 240, 240]


def test_the_relay_sends_what_waits_requeues_stuck_sends_and_prunes(
    settings, django_capture_on_commit_callbacks
):
    settings.MAIL_LOG_DAYS = 90
    now = timezone.now()
    waiting = MailLog.objects.create(
        kind="test", to="w@example.nl", subject="wacht", body_text="t", next_attempt_at=now
    )
    stuck = MailLog.objects.create(
        kind="test",
        to="s@example.nl",
        subject="vast",
        body_text="t",
        status=MailLog.Status.SENDING,
        sending_since=now - datetime.timedelta(hours=1),
    )
    fresh = MailLog.objects.create(
        kind="test",
        to="f@example.nl",
        subject="net",
        body_text="t",
        next_attempt_at=now + datetime.timedelta(minutes=5),
    )
    old = MailLog.objects.create(kind="test", to="o@example.nl", subject="oud", status="sent")
    MailLog.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=91))

    result = mail_relay()

    assert result == {"stuck": 1, "relayed": 2, "pruned": 1}
    assert sorted(m.to[0] for m in mail.outbox) == ["s@example.nl", "w@example.nl"]
    for row in (waiting, stuck):
        row.refresh_from_db()
        assert row.status == MailLog.Status.SENT
    fresh.refresh_from_db()
    assert fresh.status == MailLog.Status.QUEUED  # its task may still come: left alone
    assert not MailLog.objects.filter(pk=old.pk).exists()


def test_a_second_delivery_of_the_same_message_sends_nothing(django_capture_on_commit_callbacks):
    from core.mail import mail_send_task

    with django_capture_on_commit_callbacks(execute=True):
        row = _queue()
    assert len(mail.outbox) == 1
    assert mail_send_task.apply(args=[row.pk]).get() == "skipped"
    assert len(mail.outbox) == 1


def test_render_in_the_recipients_language():
    subject, text, html = mail_render(
        subject_template="accounts/email/security_subject.txt",
        text_template="accounts/email/security_body.txt",
        context={"user": None, "kind": "password_changed", "required_mail": True},
        language="nl",
    )
    assert subject == "NPO-platform: je wachtwoord is gewijzigd"
    assert "Je andere sessies zijn beëindigd." in text
    assert "<img" not in html and "Je andere sessies zijn beëindigd." in html


def test_a_worker_reuses_its_smtp_connection_and_replaces_one_the_server_closed(settings):
    from core import mail as core_mail

    with smtp_sink() as sink:
        settings.MAILERS = sink.mailer()
        rows = [
            MailLog.objects.create(kind="test", to=f"{n}@example.nl", subject="s", body_text="t")
            for n in range(3)
        ]
        assert core_mail.mail_deliver(log_id=rows[0].pk, final=False)[0] == "sent"
        assert core_mail.mail_deliver(log_id=rows[1].pk, final=False)[0] == "sent"
        assert sink.connections == 1  # one connection for both
        # The connection ends meanwhile (a server drops idle clients).
        core_mail._kept.value[1].connection.sock.shutdown(socket.SHUT_RDWR)
        outcome = core_mail.mail_deliver(log_id=rows[2].pk, final=False)
        rows[2].refresh_from_db()
        assert outcome[0] == "sent", rows[2].last_error
        assert sink.connections == 2
        assert [r for (r,) in sink.recipients] == ["0@example.nl", "1@example.nl", "2@example.nl"]
        core_mail._connection_drop()
