"""Evaluatie: the result of each goal at the end of the cycle."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cycles.models.doelen import Goal
from municipalities.models import TenantModel


class GoalOutcome(TenantModel):
    """The evaluation of one goal at the end of the cycle."""

    class Result(models.TextChoices):
        ACHIEVED = "achieved", _("Behaald")
        PARTLY = "partly", _("Deels behaald")
        NOT_ACHIEVED = "not_achieved", _("Niet behaald")

    goal = models.OneToOneField(
        Goal, on_delete=models.CASCADE, related_name="outcome", verbose_name=_("doel")
    )
    result = models.CharField(_("resultaat"), max_length=14, choices=Result.choices)
    explanation = models.TextField(_("toelichting"))
    updated_at = models.DateTimeField(_("bijgewerkt op"), default=timezone.now)

    class Meta:
        verbose_name = _("doelresultaat")
        verbose_name_plural = _("doelresultaten")
        ordering = ["goal"]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_result_display()}"
