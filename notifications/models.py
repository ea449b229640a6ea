"""Notifications: one row per thing a user should know (shown under the bell, mailed at once or
in a digest), and each user's choice per kind.

A notification's ``key`` names the occasion (``analysis_due:d14:c12:s5``, ``overdue`` with the
week): the unique (user, key) constraint makes the daily pass idempotent, so a second run the same
day, or a beat that fires twice, adds nothing and mails nothing.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from municipalities.models import TenantModel, TenantQuerySet


class Kind(models.TextChoices):
    """What a notification is about; each user chooses per kind how it is mailed."""

    ANALYSIS_DUE = "analysis_due", _("Inleverdatum schoolanalyse")
    PHASE_STALLED = "phase_stalled", _("Fase staat stil")
    ACCOUNTING_DEADLINE = "accounting_deadline", _("Interne deadline eindverantwoording")
    INVITATION_EXPIRING = "invitation_expiring", _("Uitnodiging verloopt")
    WEEKLY_SUMMARY = "weekly_summary", _("Weekoverzicht voor adviseurs")
    # The schools' analysis workflow: submitted, returned, accepted, a reply, a reminder.
    ANALYSIS_UPDATE = "analysis_update", _("Berichten over schoolanalyses")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Direct")
    DAILY = "daily", _("Dagelijks overzicht")
    WEEKLY = "weekly", _("Wekelijks overzicht")
    OFF = "off", _("Geen e-mail")


class MailState(models.TextChoices):
    WAITING = "waiting", _("Wacht op overzicht")
    MAILED = "mailed", _("Gemaild")
    NONE = "none", _("Niet gemaild")


class NotificationQuerySet(TenantQuerySet):
    def for_user(self, user) -> "NotificationQuerySet":
        return self.filter(user=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(TenantModel):
    """One item for one user, about one municipality. Its title and text are written in the
    user's language when it is made (the daily pass)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("gebruiker"),
    )
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    key = models.CharField(_("sleutel"), max_length=200)
    day = models.DateField(_("dag"))
    title = models.CharField(_("titel"), max_length=300)
    text = models.TextField(_("tekst"), blank=True)
    # A path on this site (no host): the list page sends the user there and marks it read.
    url = models.CharField(_("link"), max_length=500)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    mail_state = models.CharField(
        _("e-mail"), max_length=10, choices=MailState.choices, default=MailState.WAITING
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_occasion")
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_read_idx"),
            models.Index(
                fields=["user", "kind"],
                condition=models.Q(mail_state="waiting"),
                name="notification_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"


class Preference(models.Model):
    """How one user wants one kind mailed. No row: immediately."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("gebruiker"),
    )
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    frequency = models.CharField(
        _("e-mail"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} {self.frequency}"
