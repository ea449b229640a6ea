"""Operational tables every app may use: the task outbox, the process heartbeats and the mail log.

Neither is tenant data: an outbox row names a task and its arguments (ids only), a heartbeat row
names a process kind ("worker", "beat") and when it was last seen.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import choices

# Before any model of ours is created (core is the first of our apps): see core/choices.py.
choices.install()


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the work that needs it.

    If the broker is down when that transaction commits, the row stays unsent and the relay
    (core.outbox.outbox_relay: on commit, and every minute from beat) sends it once the broker is
    back. A row is marked sent in the transaction that sent it; the task itself claims its work
    with a conditional UPDATE, so even a send whose commit failed is harmless.
    """

    task = models.CharField(_("taak"), max_length=200)
    args = models.JSONField(_("argumenten"), default=list)
    # Lets the code that wrote the row relay just its own rows on commit ("reports.build:42").
    key = models.CharField(_("sleutel"), max_length=200, db_index=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    last_error = models.CharField(_("laatste fout"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("uitgaande taak")
        verbose_name_plural = _("uitgaande taken")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}{self.args} ({'verstuurd' if self.sent_at else 'wacht'})"

    @property
    def task_id(self) -> str:
        """A stable Celery task id: a redelivered message keeps it."""
        return f"outbox-{self.pk}"


class Heartbeat(models.Model):
    """When a background process kind was last seen alive (shown by /healthz)."""

    name = models.CharField(_("naam"), max_length=50, primary_key=True)
    at = models.DateTimeField(_("laatst gezien"))

    class Meta:
        verbose_name = _("hartslag")
        verbose_name_plural = _("hartslagen")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"


class MailLog(models.Model):
    """One e-mail: queued by ``core.mail.mail_queue`` and sent by the ``core.mail_send`` task.

    The row is also the message's outbox: it is written in the sender's transaction, the task is
    enqueued after the commit, and a queued row whose task never arrived (broker down) is sent
    again by the beat relay (``core.mail_relay``). The bodies are kept only until the message is
    sent or has failed for good; the rest of the record stays ``MAIL_LOG_DAYS`` days.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("In de wachtrij")
        SENDING = "sending", _("Wordt verstuurd")
        SENT = "sent", _("Verstuurd")
        FAILED = "failed", _("Mislukt")

    kind = models.CharField(_("soort"), max_length=50)
    to = models.EmailField(_("aan"))
    subject = models.CharField(_("onderwerp"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    last_error = models.CharField(_("laatste fout"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    # When the relay may enqueue a queued row again (a retry's wait, or a task that never came).
    next_attempt_at = models.DateTimeField(_("volgende poging"), default=timezone.now)
    sending_since = models.DateTimeField(_("bezig sinds"), null=True, blank=True)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    # Cleared once the message is sent or failed: the log keeps no bodies.
    body_text = models.TextField(_("tekst"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("kopregels"), default=dict, blank=True)

    class Meta:
        verbose_name = _("verstuurde e-mail")
        verbose_name_plural = _("verstuurde e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="maillog_status_next_idx"),
            models.Index(fields=["created_at"], name="maillog_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.get_status_display()})"
