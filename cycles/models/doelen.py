"""Doelen: the SMART goals of a cycle and their bijstellingen once the cycle is in Doen."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.npo import SpendingCategory, TargetGroup
from cycles.models.cycle import Cycle
from cycles.models.duiden import Finding
from municipalities.models import TenantModel


class Goal(TenantModel):
    """A SMART goal. Fixed once the cycle is in Doen: changes are then a logged bijstelling."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="goals", verbose_name=_("cyclus")
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="goals", verbose_name=_("bevindingen")
    )
    target_group = models.CharField(
        _("doelgroep"), max_length=20, choices=TargetGroup.choices, blank=True
    )
    indicator = models.CharField(
        _("indicator"),
        max_length=200,
        blank=True,
        help_text=_("Wat meet je? Bijvoorbeeld: aandeel leerlingen groep 8 op streefniveau 1F."),
    )
    baseline = models.DecimalField(
        _("nulmeting"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_value = models.DecimalField(
        _("streefwaarde"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("eenheid"), max_length=40, blank=True, help_text=_("Bijv. %"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    spending_category = models.CharField(
        _("bestedingsdoel"), max_length=20, choices=SpendingCategory.choices, blank=True
    )
    interventions = models.ManyToManyField(
        "schools.Intervention",
        blank=True,
        related_name="+",
        verbose_name=_("interventies van de NPO-menukaart"),
    )
    responsible_partners = models.ManyToManyField(
        "schools.PartnerOrganisation",
        blank=True,
        related_name="+",
        verbose_name=_("verantwoordelijke partners"),
    )
    schools = models.ManyToManyField(
        "schools.School", blank=True, related_name="+", verbose_name=_("betrokken scholen")
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

    # Fields that together make a goal "complete" (SMART enough for the Doelen → Doen gate).
    REQUIRED_FOR_COMPLETE = (
        "indicator",
        "baseline",
        "target_value",
        "deadline",
        "spending_category",
    )

    class Meta:
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")
        ordering = ["cycle", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def missing_for_complete(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.REQUIRED_FOR_COMPLETE
            if getattr(self, name) in (None, "")
        ]

    @property
    def is_complete(self) -> bool:
        return not self.missing_for_complete


class GoalRevision(TenantModel):
    """A bijstelling: a change to a goal after the cycle entered Doen, with its reason."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("doel")
    )
    reason = models.TextField(_("reden van de bijstelling"))
    changes = models.JSONField(
        _("wijzigingen"), default=dict, help_text="{field: [old, new]} as display strings"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("door"),
    )
    created_at = models.DateTimeField(_("op"), default=timezone.now)

    class Meta:
        verbose_name = _("bijstelling")
        verbose_name_plural = _("bijstellingen")
        ordering = ["goal", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="goalrevision_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.reason[:40]}"
