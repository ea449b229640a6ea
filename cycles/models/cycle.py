"""The cycle itself and its phases: Data → Duiden → Doelen → Doen → Evaluatie → Afgerond."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality, TenantModel, TenantQuerySet


class Phase(models.TextChoices):
    DATA = "data", _("Data")
    DUIDEN = "duiden", _("Duiden")
    DOELEN = "doelen", _("Doelen")
    DOEN = "doen", _("Doen")
    EVALUATIE = "evaluatie", _("Evaluatie")
    AFGEROND = "afgerond", _("Afgerond")


PHASE_ORDER: list[str] = [p.value for p in Phase]


def phase_next(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def phase_previous(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index - 1] if index > 0 else None


class CycleQuerySet(TenantQuerySet):
    def open(self):
        return self.exclude(phase=Phase.AFGEROND)


class Cycle(TenantModel):
    """One run of the 4D method for a municipality, usually spanning one or more school years."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("gemeente")
    )
    title = models.CharField(_("titel"), max_length=200)
    start_date = models.DateField(_("begindatum"))
    end_date = models.DateField(_("einddatum"))
    phase = models.CharField(_("fase"), max_length=12, choices=Phase.choices, default=Phase.DATA)
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("vorige cyclus"),
    )
    analyses_waived = models.BooleanField(_("schoolanalyses niet nodig"), default=False)
    analyses_waiver_reason = models.TextField(_("reden"), blank=True)
    # The schools' deadline for their NPO analysis: reminders go out 14 and 3 days before it,
    # and after it (notifications.reminders).
    analyses_due = models.DateField(_("inleverdatum schoolanalyses"), null=True, blank=True)
    process_evaluation = models.TextField(_("procesevaluatie"), blank=True)
    lessons_learned = models.TextField(_("geleerde lessen"), blank=True)
    previous_lessons = models.TextField(
        _("lessen uit de vorige cyclus"),
        blank=True,
        help_text=_("Overgenomen uit de vorige cyclus bij het starten van deze cyclus."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangemaakt door"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    phase_changed_at = models.DateTimeField(_("fase gewijzigd op"), default=timezone.now)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("4D-cyclus")
        verbose_name_plural = _("4D-cycli")
        ordering = ["municipality", "-start_date", "-pk"]
        constraints = [
            # The one-open-cycle rule lives in the database, not only in a form.
            models.UniqueConstraint(
                fields=["municipality"],
                condition=~Q(phase="afgerond"),
                name="cycle_one_open_per_municipality",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="cycle_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(analyses_waived=False) | ~Q(analyses_waiver_reason=""),
                name="cycle_waiver_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.phase != Phase.AFGEROND

    @property
    def phase_index(self) -> int:
        return PHASE_ORDER.index(self.phase)


class PhaseTransition(TenantModel):
    """One move of a cycle from one phase to another: who, when, why."""

    class Direction(models.TextChoices):
        FORWARD = "forward", _("Vooruit")
        BACK = "back", _("Terug")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("cyclus")
    )
    from_phase = models.CharField(_("van fase"), max_length=12, choices=Phase.choices)
    to_phase = models.CharField(_("naar fase"), max_length=12, choices=Phase.choices)
    direction = models.CharField(_("richting"), max_length=8, choices=Direction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("door"),
    )
    created_at = models.DateTimeField(_("op"), default=timezone.now)
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("faseovergang")
        verbose_name_plural = _("faseovergangen")
        ordering = ["cycle", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction="forward") | ~Q(note=""),
                name="phasetransition_back_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.get_from_phase_display()} → {self.get_to_phase_display()}"
