"""The 4D cycle: Data → Duiden → Doelen → Doen, then evaluation and the next cycle.

Every model here is tenant-owned and carries ``municipality`` directly (not only through its
parent), so ``for_municipality()`` is one indexed filter and the audit trail can attribute each
row to its municipality. Services (``cycles/services.py``) keep the denormalised
``municipality`` equal to the parent's.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality, TenantQuerySet
from municipalities.npo import Domain, SpendingCategory, TargetGroup


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


class Cycle(models.Model):
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

    def phase_reached(self, phase: str) -> bool:
        return self.phase_index >= PHASE_ORDER.index(phase)


class PhaseTransition(models.Model):
    """One move of a cycle from one phase to another: who, when, why."""

    class Direction(models.TextChoices):
        FORWARD = "forward", _("Vooruit")
        BACK = "back", _("Terug")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeente")
    )
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

    objects = TenantQuerySet.as_manager()

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


class StakeholderSession(models.Model):
    """A Duiden session with schools, childcare, JGZ and other partners."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeente")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cyclus")
    )
    date = models.DateField(_("datum"))
    title = models.CharField(_("titel"), max_length=200)
    partners = models.ManyToManyField(
        "schools.PartnerOrganisation",
        blank=True,
        related_name="+",
        verbose_name=_("partnerorganisaties"),
    )
    schools = models.ManyToManyField(
        "schools.School", blank=True, related_name="+", verbose_name=_("scholen")
    )
    other_participants = models.TextField(
        _("overige deelnemers"),
        blank=True,
        help_text=_("Deelnemers die niet als partner of school in het platform staan."),
    )
    minutes = models.TextField(_("verslag"), blank=True)
    decisions = models.TextField(_("besluiten en afspraken"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("duidingssessie")
        verbose_name_plural = _("duidingssessies")
        ordering = ["cycle", "date", "pk"]

    def __str__(self) -> str:
        return self.title


def session_attachment_path(instance: "SessionAttachment", filename: str) -> str:
    return f"cycles/{instance.municipality_id}/sessions/{instance.session_id}/{filename}"


class SessionAttachment(models.Model):
    """A file belonging to a session (presentation, attendance list). Served only through a view
    that checks the membership: there is no public media URL."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeente")
    )
    session = models.ForeignKey(
        StakeholderSession,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("sessie"),
    )
    file = models.FileField(_("bestand"), upload_to=session_attachment_path, max_length=300)
    name = models.CharField(_("naam"), max_length=200)
    uploaded_at = models.DateTimeField(_("geüpload op"), default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["session", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """What the stakeholders read in the data: a theme, its evidence and its priority."""

    class Priority(models.IntegerChoices):
        HIGH = 1, _("Hoog")
        MEDIUM = 2, _("Middel")
        LOW = 3, _("Laag")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeente")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="findings", verbose_name=_("cyclus")
    )
    theme = models.CharField(_("thema"), max_length=200)
    domain = models.CharField(_("domein"), max_length=20, choices=Domain.choices)
    target_group = models.CharField(_("doelgroep"), max_length=20, choices=TargetGroup.choices)
    evidence = models.TextField(_("onderbouwing"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("prioriteit"),
        choices=Priority.choices,
        null=True,
        blank=True,
        help_text=_("Leeg laten zolang de bevinding nog niet geprioriteerd is."),
    )
    sessions = models.ManyToManyField(
        StakeholderSession,
        blank=True,
        related_name="findings",
        verbose_name=_("besproken in sessies"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("bevinding")
        verbose_name_plural = _("bevindingen")
        ordering = ["cycle", F("priority").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.theme


class Goal(models.Model):
    """A SMART goal. Fixed once the cycle is in Doen: changes are then a logged bijstelling."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeente")
    )
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

    objects = TenantQuerySet.as_manager()

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


class GoalRevision(models.Model):
    """A bijstelling: a change to a goal after the cycle entered Doen, with its reason."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeente")
    )
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

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("bijstelling")
        verbose_name_plural = _("bijstellingen")
        ordering = ["goal", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="goalrevision_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.reason[:40]}"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Gepland")
    RUNNING = "running", _("Loopt")
    DONE = "done", _("Afgerond")
    STOPPED = "stopped", _("Gestopt")


UNFINISHED_ACTIVITY_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.RUNNING)


class Activity(models.Model):
    """Something done towards a goal in the Doen phase."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeente")
    )
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

    objects = TenantQuerySet.as_manager()

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


class ProgressUpdate(models.Model):
    """A monitoring entry for an activity; its measured value drives the goal's progress."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeente")
    )
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

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("voortgangsupdate")
        verbose_name_plural = _("voortgangsupdates")
        ordering = ["activity", "-date", "-pk"]
        get_latest_by = ["date", "created_at"]

    def __str__(self) -> str:
        return f"{self.activity} – {self.date}"


class GoalOutcome(models.Model):
    """The evaluation of one goal at the end of the cycle."""

    class Result(models.TextChoices):
        ACHIEVED = "achieved", _("Behaald")
        PARTLY = "partly", _("Deels behaald")
        NOT_ACHIEVED = "not_achieved", _("Niet behaald")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeente")
    )
    goal = models.OneToOneField(
        Goal, on_delete=models.CASCADE, related_name="outcome", verbose_name=_("doel")
    )
    result = models.CharField(_("resultaat"), max_length=14, choices=Result.choices)
    explanation = models.TextField(_("toelichting"))
    updated_at = models.DateTimeField(_("bijgewerkt op"), default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("doelresultaat")
        verbose_name_plural = _("doelresultaten")
        ordering = ["goal"]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_result_display()}"


def progress_fraction(
    *, baseline: Decimal | None, target: Decimal | None, latest: Decimal | None
) -> Decimal | None:
    """How far ``latest`` has moved from ``baseline`` towards ``target``, clamped to 0..1.

    Works for goals that go down as well as up (fewer thuiszitters). None when it cannot be
    computed: no measurement yet, or no baseline/target, or baseline equal to target.
    """
    if baseline is None or target is None or latest is None or baseline == target:
        return None
    fraction = (latest - baseline) / (target - baseline)
    return max(Decimal(0), min(Decimal(1), fraction))
