"""Doen: the activities towards a goal and the progress recorded on them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cycles.models.doelen import Goal
from municipalities.models import TenantModel


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Gepland")
    RUNNING = "running", _("Loopt")
    DONE = "done", _("Afgerond")
    STOPPED = "stopped", _("Gestopt")


UNFINISHED_ACTIVITY_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.RUNNING)


class Activity(TenantModel):
    """Something done towards a goal in the Doen phase."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="activities", verbose_name=_("doel")
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    executing_partner = models.ForeignKey(
        "schools.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uitvoerende partner"),
    )
    schools = models.ManyToManyField(
        "schools.School", blank=True, related_name="+", verbose_name=_("scholen")
    )
    start_date = models.DateField(_("begindatum"), null=True, blank=True)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    carried_over = models.BooleanField(_("overgenomen uit vorige cyclus"), default=False)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
        verbose_name=_("overgenomen van"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    class Meta:
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")
        ordering = ["goal", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="activity_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(TenantModel):
    """A monitoring entry for an activity; its measured value drives the goal's progress."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="updates", verbose_name=_("activiteit")
    )
    date = models.DateField(_("datum"))
    narrative = models.TextField(_("toelichting"))
    measured_value = models.DecimalField(
        _("gemeten waarde"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Stand van de indicator van het doel op deze datum, als die gemeten is."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ActivityStatus.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("door"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    class Meta:
        verbose_name = _("voortgangsupdate")
        verbose_name_plural = _("voortgangsupdates")
        ordering = ["activity", "-date", "-pk"]
        get_latest_by = ["date", "created_at"]

    def __str__(self) -> str:
        return f"{self.activity} – {self.date}"
