"""Every e-mail of the platform leaves through here: queued in the sender's transaction, sent by
a Celery task after the commit, one ``MailLog`` row per message.

``mail_render`` renders ``templates/mail/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``
in the recipient's language; ``mail_queue`` (one) and ``mail_queue_many`` (a batch, one INSERT)
write the rows and enqueue ``core.mail_send`` once the transaction has committed, so a rolled-back
change never announces itself and the request never talks to SMTP.

The task claims its row with a conditional UPDATE (a second delivery of the same message does
nothing), sends it, and records the outcome. A transient failure (no connection, a 4xx answer) is
retried with exponential backoff up to ``MAIL_MAX_ATTEMPTS`` attempts, then the row is "mislukt";
a permanent one (5xx) fails at once. Without a broker (the embedded default) the task runs
in-process right after the commit: one attempt, and a failure is recorded, never raised into the
request. The beat relay (``core.mail_relay``) sends rows whose task never reached the broker,
re-queues rows stuck in "sending" after a worker crash, and prunes the log after ``MAIL_LOG_DAYS``.

This module is core: it knows nothing of users or municipalities. The caller picks the address,
the language and the headers (``notifications.mailing`` adds the unsubscribe headers).
"""

from __future__ import annotations

import contextlib
import json
import logging
import smtplib
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.models import MailLog

logger = logging.getLogger(__name__)

Status = MailLog.Status
SEND_TASK = "core.mail_send"
# A queued row whose task has not claimed it after this long is enqueued again by the relay.
RELAY_AFTER = timedelta(minutes=5)
# A row "sending" for this long belongs to a worker that died mid-send: queued again.
STUCK_AFTER = timedelta(minutes=15)
# Redis redelivers an unacknowledged message after the visibility timeout (300 s); a retry's
# wait must stay below it, or the waiting message would be delivered twice.
MAX_BACKOFF_SECONDS = 240


@dataclass
class Mail:
    """One message to queue. ``headers`` e.g. List-Unsubscribe (RFC 8058)."""

    to: str
    subject: str
    text: str
    kind: str
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def mail_render(
    *,
    subject_template: str,
    text_template: str,
    context: dict,
    language: str | None = None,
    html_template: str = "mail/base.html",
) -> tuple[str, str, str]:
    """Subject, plain text and HTML in ``language``. The HTML template gets the rendered
    ``text`` in its context, and what the registered hooks add (``register_html_context``):
    ``mail/base.html`` lays it out (links clickable, no images, no tracking pixel); a kind with
    its own layout passes its own template."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(subject_template, context)
        text = render_to_string(text_template, context).strip() + "\n"
        html_context = {**context, "text": text, "subject": " ".join(subject.split())}
        for hook in _html_context_hooks:
            html_context.update(hook(context))
        html = render_to_string(html_template, html_context)
    return " ".join(subject.split()), text, html


# What apps above core add to the HTML part's context (theming registers ``brand``, the house
# style of the context's municipality, from its ready()); the subject and the text part never
# see it.
_html_context_hooks: list = []


def register_html_context(hook) -> None:
    """``hook(context) -> dict``: more context for every mail's HTML template."""
    if hook not in _html_context_hooks:
        _html_context_hooks.append(hook)


# Which language each address reads (accounts registers the lookup from its ready(): core and
# municipalities cannot import the user settings above them).
_language_lookup = None


def register_language_lookup(lookup) -> None:
    """``lookup(emails: list[str]) -> {email_lower: language}``."""
    global _language_lookup
    _language_lookup = lookup


def recipient_languages(*, emails) -> dict[str, str]:
    """Each address's language (lower-cased keys); the product's language when unknown."""
    emails = [e.lower() for e in emails]
    found = _language_lookup(emails) if _language_lookup and emails else {}
    return {e: found.get(e) or settings.LANGUAGE_CODE for e in emails}


def mail_queue(
    *, to: str, subject: str, text: str, kind: str, html: str = "", headers=None
) -> MailLog:
    """Queue one message; it is sent after the current transaction commits."""
    (row,) = mail_queue_many(
        mails=[Mail(to=to, subject=subject, text=text, html=html, kind=kind, headers=headers or {})]
    )
    return row


def mail_queue_many(*, mails: list[Mail]) -> list[MailLog]:
    """Queue a batch with one INSERT; each message is its own task after the commit."""
    if not mails:
        return []
    now = timezone.now()
    rows = [
        MailLog(
            kind=m.kind,
            to=m.to,
            subject=m.subject[:300],
            body_text=m.text,
            body_html=m.html,
            headers=m.headers,
            created_at=now,
            next_attempt_at=now + RELAY_AFTER,
        )
        for m in mails
    ]
    with transaction.atomic():
        rows = MailLog.objects.bulk_create(rows)
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: mail_enqueue(ids=ids))
    return rows


def mail_enqueue(*, ids: list[int]) -> int:
    """Hand the rows to Celery. Never raises: a row whose task was not sent waits for the relay.

    Returns how many tasks were handed over."""
    handed = 0
    for pk in ids:
        try:
            mail_send_task.apply_async(args=[pk], retry=False)
        except Exception:  # noqa: BLE001 - broker down (or an eager task broke): the relay retries
            logger.warning(
                "mail %s: task not enqueued; the relay sends it later", pk, exc_info=True
            )
            break
        handed += 1
    return handed


def _is_transient(exc: Exception) -> bool:
    """No connection or a 4xx answer: worth another try. A 5xx answer will not change."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, OSError)  # refused, reset, timeout, SMTPServerDisconnected


def backoff_seconds(attempt: int) -> int:
    """The wait after attempt ``attempt`` (1, 2, ...): base, 2x, 4x, ... capped."""
    base = settings.MAIL_RETRY_BASE_SECONDS
    return int(min(MAX_BACKOFF_SECONDS, base * 2 ** (attempt - 1)))


# A worker process sends message after message: its connection to the mail server is kept (per
# thread) and reused for KEEP_SECONDS after its last use, instead of a connect, greeting, EHLO
# and QUIT for every message.
KEEP_SECONDS = 30
_kept = threading.local()


def _connection():
    """The kept connection (opened when there is none, the mail settings changed, or it sat
    idle too long) and whether it was opened just now."""
    key = repr(settings.MAILERS)
    now = time.monotonic()
    kept = getattr(_kept, "value", None)
    if kept is not None and (kept[0] != key or now - kept[2] > KEEP_SECONDS):
        _connection_drop()
        kept = None
    fresh = kept is None
    connection = mailers.default if fresh else kept[1]
    if fresh:
        connection.open()  # the SMTP backend keeps an open connection; others do nothing
    _kept.value = (key, connection, now)
    return connection, fresh


def _connection_drop() -> None:
    kept = getattr(_kept, "value", None)
    _kept.value = None
    if kept is not None:
        # A connection that is already gone is exactly what is dropped here.
        with contextlib.suppress(Exception):
            kept[1].close()


def _send(message) -> None:
    """Send on the kept connection; a kept one the server has closed meanwhile is replaced once."""
    connection, fresh = _connection()
    try:
        connection.send_messages([message])
    except Exception:
        _connection_drop()
        if fresh:
            raise
        connection, _fresh = _connection()
        try:
            connection.send_messages([message])
        except Exception:
            _connection_drop()
            raise


def _update(log_id: int, **values) -> int:
    """Update the row, committed without waiting for the disk on PostgreSQL: a status lost in a
    database crash only means the relay sends that message again (at least once), and two
    synchronous commits per message would set the pace of the whole mail queue."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return MailLog.objects.filter(pk=log_id, **values.pop("_where", {})).update(**values)


_CLAIM_COLUMNS = ("kind", "to", "subject", "body_text", "body_html", "headers", "attempts")


def _claim(*, log_id: int, now) -> MailLog | None:
    """Queued → sending in one statement that also returns what the send needs (one round trip
    instead of an UPDATE and a SELECT); None when another delivery has it or it is done."""
    quote = connection.ops.quote_name
    table = quote(MailLog._meta.db_table)
    columns = ", ".join(quote(c) for c in _CLAIM_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quote('status')} = %s, {quote('attempts')} = "  # noqa: S608 - names are ours, values are parameters
            f"{quote('attempts')} + 1, {quote('sending_since')} = %s "
            f"WHERE {quote('id')} = %s AND {quote('status')} = %s RETURNING {columns}",
            [Status.SENDING, now, log_id, Status.QUEUED],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    values = dict(zip(_CLAIM_COLUMNS, found, strict=True))
    if isinstance(values["headers"], str):  # SQLite returns the JSON text
        values["headers"] = json.loads(values["headers"])
    return MailLog(pk=log_id, status=Status.SENDING, **values)


def mail_deliver(*, log_id: int, final: bool) -> tuple[str, int]:
    """Send the row once. Returns (outcome, attempt): outcome is "sent", "retry" (transient
    failure, another attempt is allowed), "failed" or "skipped" (claimed elsewhere).

    ``final``: no further attempt will follow, so a failure is recorded as "mislukt"."""
    now = timezone.now()
    row = _claim(log_id=log_id, now=now)
    if row is None:
        return "skipped", 0
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        headers=row.headers or None,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    try:
        _send(message)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        error = f"{type(exc).__name__}: {exc}"[:500]
        retry = _is_transient(exc) and not final and row.attempts < settings.MAIL_MAX_ATTEMPTS
        if retry:
            _update(
                log_id,
                status=Status.QUEUED,
                last_error=error,
                sending_since=None,
                # The task's own retry comes first; the relay only steps in if it is lost.
                next_attempt_at=now
                + timedelta(seconds=backoff_seconds(row.attempts))
                + RELAY_AFTER,
            )
            logger.info("mail %s: attempt %s failed (%s), retrying", log_id, row.attempts, error)
            return "retry", row.attempts
        _update(
            log_id,
            status=Status.FAILED,
            last_error=error,
            sending_since=None,
            body_text="",
            body_html="",
            headers={},
        )
        logger.warning("mail %s (%s) failed for good: %s", log_id, row.kind, error)
        return "failed", row.attempts
    _update(
        log_id,
        status=Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        sending_since=None,
        body_text="",
        body_html="",
        headers={},
    )
    return "sent", row.attempts


@shared_task(bind=True, name=SEND_TASK, acks_late=True, ignore_result=True, max_retries=None)
def mail_send_task(self, log_id: int) -> str:
    """Send one queued message; retries itself with backoff on a transient failure."""
    # In-process (no broker) there is no worker to wait for a retry: one attempt, recorded.
    outcome, attempt = mail_deliver(log_id=log_id, final=bool(self.request.is_eager))
    if outcome == "retry":
        raise self.retry(countdown=backoff_seconds(attempt))
    return outcome


def mail_relay(*, limit: int = 500) -> dict:
    """Enqueue queued rows whose task never came, re-queue rows stuck in "sending", prune."""
    now = timezone.now()
    stuck = MailLog.objects.filter(
        status=Status.SENDING, sending_since__lt=now - STUCK_AFTER
    ).update(status=Status.QUEUED, sending_since=None, next_attempt_at=now)
    ids = list(
        MailLog.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        MailLog.objects.filter(pk__in=ids).update(next_attempt_at=now + RELAY_AFTER)
    relayed = mail_enqueue(ids=ids)
    return {"stuck": stuck, "relayed": relayed, "pruned": mail_prune()}


def mail_prune(*, days: int | None = None) -> int:
    """Remove log rows older than ``MAIL_LOG_DAYS`` days."""
    cutoff = timezone.now() - timedelta(days=days or settings.MAIL_LOG_DAYS)
    deleted, _ = MailLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task(name="core.mail_relay", acks_late=True, ignore_result=True, expires=120)
def mail_relay_task() -> dict:
    return mail_relay()
