"""Funding streams, allocations, spending goals with planned amounts, commitments and spending.

Every tenant-owned model is a ``TenantModel``: its own ``municipality`` foreign key and a
``for_municipality`` queryset method. Amounts are ``DecimalField(max_digits=12,
decimal_places=2)``: whole cents, never float. ``budgets`` sits above ``cycles`` and ``schools`` and may point at them; they never import it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.periods import PeriodKind, period_parse, validate_period_label
from budgets.streams import CATEGORY_CHOICES
from core.npo import SPENDING_SUBOPTION_CHOICES, SPENDING_SUBOPTIONS
from core.uploads import MB, GeneratedName, UploadPolicy
from municipalities.models import FormerMunicipality, Municipality, TenantModel, TenantQuerySet

AMOUNT = {"max_digits": 12, "decimal_places": 2}


class FundingStream(models.Model):
    """A source of money (regeling). Platform-wide; maintained by staff in the Django admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    period_kind = models.CharField(
        _("soort periode"),
        max_length=12,
        choices=PeriodKind.choices,
        default=PeriodKind.CALENDAR_YEAR,
        help_text=_(
            "Toekenningen en planning van deze regeling gaan per schooljaar of kalenderjaar."
        ),
    )
    window_start = models.DateField(_("besteden vanaf"), null=True, blank=True)
    window_end = models.DateField(
        _("besteden tot en met"),
        null=True,
        blank=True,
        help_text=_("Leeg als de regeling (nog) geen einddatum heeft; leg uit waarom."),
    )
    # DOMAIN.md: a date that no official source confirms is marked, not presented as fact.
    window_start_unverified = models.BooleanField(
        _("begindatum niet geverifieerd"),
        default=False,
        help_text=_("Aanvinken als de begindatum niet in een officiële bron is nagegaan."),
    )
    window_end_unverified = models.BooleanField(
        _("einddatum niet geverifieerd"),
        default=False,
        help_text=_("Aanvinken als de einddatum niet in een officiële bron is nagegaan."),
    )
    reference = models.CharField(
        _("officiële vindplaats"),
        max_length=200,
        blank=True,
        help_text=_("Waar de regeling is gepubliceerd, bijvoorbeeld Stcrt 2022-27531."),
    )
    accountability = models.TextField(
        _("verantwoording"), blank=True, help_text=_("Bijvoorbeeld: via SiSa in de jaarrekening.")
    )
    is_sisa = models.BooleanField(_("SiSa-verantwoording"), default=False)
    money_per_period = models.BooleanField(
        _("geld gebonden aan de periode"),
        default=False,
        help_text=_(
            "Aanvinken als de beschikking het geld aan een jaar bindt: dan mag per periode niet "
            "meer worden besteed dan voor die periode is toegekend. Bij NPO mag geld binnen de "
            "termijn tussen schooljaren schuiven."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=100)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("geldstroom")
        verbose_name_plural = _("geldstromen")
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_end__gte=models.F("window_start")),
                name="fundingstream_window_in_order",
                violation_error_message=_(
                    "Het einde van de bestedingstermijn ligt vóór het begin."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.window_start and self.window_end and self.window_end < self.window_start:
            raise ValidationError({"window_end": _("Het einde ligt vóór het begin.")})

    def in_window(self, date) -> bool:
        return (self.window_start is None or date >= self.window_start) and (
            self.window_end is None or date <= self.window_end
        )


def period_error(stream: FundingStream, label: str | None) -> str | None:
    """A Dutch message when ``label`` is not a period of the kind ``stream`` uses, else None."""
    if not label:
        return None
    try:
        period = period_parse(label)
    except ValidationError:
        return None  # the field's own validator reports a malformed label
    if period.kind == stream.period_kind:
        return None
    if stream.period_kind == PeriodKind.SCHOOL_YEAR:
        return _("%(stream)s gaat per schooljaar; vul bijvoorbeeld 2023-2024 in.") % {
            "stream": stream.name
        }
    return _("%(stream)s gaat per kalenderjaar; vul bijvoorbeeld 2024 in.") % {
        "stream": stream.name
    }


# What an allocation letter (beschikking) may be: checked by its content (core.uploads).
LETTER_UPLOAD = UploadPolicy(
    kinds=("pdf",),
    max_bytes=10 * MB,
    wrong_kind_message=_("Voeg de beschikking toe als pdf-bestand."),
)


class Beschikking(TenantModel):
    """A decision letter of the ministry about one stream: a verlening (grant), a wijziging
    (change) or a vaststelling (the final amount, with any reclaim).

    ``amount`` is what the letter grants in total: for a wijziging the new total, not the
    difference; for a vaststelling the amount granted before it, with the fixed amount in
    ``final_amount`` and the reclaim (terugvordering) in ``reclaim_amount``. After a merger the
    letters were addressed to a predecessor: ``recipient_former`` (empty: the municipality itself).

    Recording a vaststelling closes the stream for the municipality (budgets.services freezes it).
    """

    class Kind(models.TextChoices):
        VERLENING = "verlening", _("Verlening")
        WIJZIGING = "wijziging", _("Wijziging")
        VASTSTELLING = "vaststelling", _("Vaststelling")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="beschikkingen"
    )
    stream = models.ForeignKey(
        FundingStream,
        on_delete=models.PROTECT,
        related_name="beschikkingen",
        verbose_name=_("geldstroom"),
    )
    kind = models.CharField(_("soort"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(
        _("bedrag"),
        **AMOUNT,
        help_text=_(
            "Het totaal dat de beschikking toekent; bij een wijziging het nieuwe totaal, bij een "
            "vaststelling het eerder verleende bedrag."
        ),
    )
    date = models.DateField(_("datum"))
    reference = models.CharField(
        _("kenmerk"), max_length=100, blank=True, help_text=_("Bijvoorbeeld 31548690.")
    )
    recipient_former = models.ForeignKey(
        FormerMunicipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gericht aan voormalige gemeente"),
        help_text=_("Leeg als de beschikking aan de gemeente zelf is gericht."),
    )
    letter = models.FileField(
        _("beschikking (pdf)"),
        # Random names: the original file name may hold personal data and must not be guessable.
        upload_to=GeneratedName("budgets/beschikkingen/{municipality_id}"),
        blank=True,
        max_length=200,
    )
    letter_name = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    final_amount = models.DecimalField(_("vastgesteld bedrag"), **AMOUNT, null=True, blank=True)
    reclaim_amount = models.DecimalField(_("terugvordering"), **AMOUNT, null=True, blank=True)
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("beschikking")
        verbose_name_plural = _("beschikkingen")
        ordering = ["stream__sort_order", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="beschikking_amount_not_negative",
                violation_error_message=_("Het bedrag van een beschikking mag niet negatief zijn."),
            ),
            models.CheckConstraint(
                condition=Q(final_amount__isnull=True) | Q(final_amount__gte=0),
                name="beschikking_final_amount_not_negative",
                violation_error_message=_("Het vastgestelde bedrag mag niet negatief zijn."),
            ),
            models.CheckConstraint(
                condition=Q(reclaim_amount__isnull=True) | Q(reclaim_amount__gte=0),
                name="beschikking_reclaim_not_negative",
                violation_error_message=_("De terugvordering mag niet negatief zijn."),
            ),
            models.CheckConstraint(
                condition=Q(kind="vaststelling")
                | (Q(final_amount__isnull=True) & Q(reclaim_amount__isnull=True)),
                name="beschikking_final_only_for_vaststelling",
                violation_error_message=_(
                    "Een vastgesteld bedrag en een terugvordering horen alleen bij een "
                    "vaststelling."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="vaststelling") | Q(final_amount__isnull=False),
                name="beschikking_vaststelling_has_final_amount",
                violation_error_message=_("Vul bij een vaststelling het vastgestelde bedrag in."),
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.get_kind_display()} {self.stream}"
        return f"{label} {self.reference}" if self.reference else label

    def clean(self):
        errors = {}
        if self.kind == self.Kind.VASTSTELLING:
            if self.final_amount is None:
                errors["final_amount"] = _("Vul bij een vaststelling het vastgestelde bedrag in.")
        else:
            if self.final_amount is not None:
                errors["final_amount"] = _(
                    "Een vastgesteld bedrag hoort alleen bij een vaststelling."
                )
            if self.reclaim_amount is not None:
                errors["reclaim_amount"] = _(
                    "Een terugvordering hoort alleen bij een vaststelling."
                )
        if (
            self.recipient_former_id
            and self.municipality_id
            and self.recipient_former.successor_id != self.municipality_id
        ):
            errors["recipient_former"] = _(
                "Deze voormalige gemeente is niet opgegaan in deze gemeente."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def recipient_name(self) -> str:
        """Whom the letter was addressed to: the predecessor, or the municipality itself."""
        return self.recipient_former.name if self.recipient_former_id else self.municipality.name


class Allocation(TenantModel):
    """Money granted to the municipality from one stream for one period (per beschikking)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="allocations"
    )
    stream = models.ForeignKey(
        FundingStream,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("geldstroom"),
    )
    period = models.CharField(
        _("periode"),
        max_length=9,
        validators=[validate_period_label],
        help_text=_("Schooljaar (2023-2024) of kalenderjaar (2024), zoals bij de geldstroom."),
    )
    amount = models.DecimalField(_("bedrag"), **AMOUNT)
    reference = models.CharField(
        _("kenmerk beschikking"), max_length=100, blank=True, help_text=_("Bijvoorbeeld 31548690.")
    )
    letter = models.FileField(
        _("beschikking (pdf)"),
        # Random names: the original file name may hold personal data and must not be guessable.
        upload_to=GeneratedName("budgets/beschikkingen/{municipality_id}"),
        blank=True,
        max_length=200,
    )
    letter_name = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    beschikking = models.ForeignKey(
        Beschikking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("beschikking"),
        help_text=_("De beschikking waaruit dit bedrag komt."),
    )
    is_estimate = models.BooleanField(
        _("schatting"),
        default=False,
        help_text=_("Aanvinken als het bedrag geschat is en (nog) niet uit een beschikking komt."),
    )
    estimate_basis = models.TextField(_("basis van de schatting"), blank=True)
    note = models.TextField(_("toelichting"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("toekenning")
        verbose_name_plural = _("toekenningen")
        ordering = ["stream__sort_order", "period", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="allocation_amount_not_negative",
                violation_error_message=_("Het toegekende bedrag mag niet negatief zijn."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stream} {self.period}"

    def clean(self):
        errors = {}
        if self.stream_id and (message := period_error(self.stream, self.period)):
            errors["period"] = message
        if self.is_estimate and not self.estimate_basis.strip():
            errors["estimate_basis"] = _("Leg uit waarop de schatting is gebaseerd.")
        if self.beschikking_id:
            if self.beschikking.municipality_id != self.municipality_id:
                errors["beschikking"] = _("Deze beschikking hoort niet bij deze gemeente.")
            elif self.stream_id and self.beschikking.stream_id != self.stream_id:
                errors["beschikking"] = _("Deze beschikking hoort bij een andere geldstroom.")
            elif self.is_estimate:
                errors["is_estimate"] = _(
                    "Een bedrag uit een beschikking is geen schatting: haal het vinkje weg of "
                    "ontkoppel de beschikking."
                )
        if errors:
            raise ValidationError(errors)


class SpendingGoal(TenantModel):
    """A bestedingsdoel of one cycle: a category, a title, the goals it serves, planned amounts."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="spending_goals"
    )
    cycle = models.ForeignKey(
        "cycles.Cycle",
        on_delete=models.CASCADE,
        related_name="spending_goals",
        verbose_name=_("cyclus"),
    )
    # Every stream's own categories, grouped per stream (budgets.streams); which ones a spending
    # goal may use depends on the streams it plans (budgets.forms.SpendingGoalForm).
    category = models.CharField(_("categorie"), max_length=20, choices=CATEGORY_CHOICES)
    suboption = models.CharField(
        _("onderdeel"), max_length=40, choices=SPENDING_SUBOPTION_CHOICES, blank=True
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    goals = models.ManyToManyField(
        "cycles.Goal",
        blank=True,
        related_name="spending_goals",
        verbose_name=_("doelen"),
        help_text=_("De doelen van deze cyclus waaraan dit bestedingsdoel bijdraagt."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("bestedingsdoel")
        verbose_name_plural = _("bestedingsdoelen")
        ordering = ["category", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.suboption and self.category:
            allowed = {code for code, _label in SPENDING_SUBOPTIONS.get(self.category, [])}
            if self.suboption not in allowed:
                raise ValidationError(
                    {"suboption": _("Dit onderdeel hoort niet bij de gekozen categorie.")}
                )


class PlannedAmount(TenantModel):
    """How much of a stream a spending goal plans to use in one period."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="planned_amounts"
    )
    spending_goal = models.ForeignKey(
        SpendingGoal, on_delete=models.CASCADE, related_name="planned_amounts"
    )
    stream = models.ForeignKey(
        FundingStream, on_delete=models.PROTECT, related_name="+", verbose_name=_("geldstroom")
    )
    period = models.CharField(_("periode"), max_length=9, validators=[validate_period_label])
    amount = models.DecimalField(_("gepland bedrag"), **AMOUNT)

    class Meta:
        verbose_name = _("gepland bedrag")
        verbose_name_plural = _("geplande bedragen")
        ordering = ["stream__sort_order", "period", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="planned_amount_not_negative",
                violation_error_message=_("Een gepland bedrag mag niet negatief zijn."),
            ),
            models.UniqueConstraint(
                fields=["spending_goal", "stream", "period"],
                name="planned_amount_once_per_period",
                violation_error_message=_(
                    "Per geldstroom en periode kan een bestedingsdoel maar één gepland bedrag hebben."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spending_goal} – {self.stream} {self.period}"


# The date a commitment or spending row belongs to: its prestatiedatum, or else its booking date.
EFFECTIVE_PERFORMANCE_DATE = Coalesce("performance_date", "date")


class TransactionQuerySet(TenantQuerySet):
    def with_effective_performance_date(self):
        """Annotate ``effective_performance_date`` (filterable: ``..._date__year=2024``)."""
        return self.annotate(effective_performance_date=EFFECTIVE_PERFORMANCE_DATE)


class Transaction(TenantModel):
    """What commitments (verplichtingen) and spending (realisatie) share.

    ``performance_date`` (prestatiedatum) is the date the cost belongs to; empty means the
    booking ``date``. Read it as ``effective_performance_date`` (a property, or the annotation of
    ``with_effective_performance_date()``), so a later change of the booking date carries along.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("datum"))
    performance_date = models.DateField(
        _("prestatiedatum"),
        null=True,
        blank=True,
        help_text=_(
            "De datum waar de kosten bij horen (de levering of het werk). Leeg: de boekdatum."
        ),
    )
    amount = models.DecimalField(_("bedrag"), **AMOUNT)
    stream = models.ForeignKey(
        FundingStream, on_delete=models.PROTECT, related_name="+", verbose_name=_("geldstroom")
    )
    spending_goal = models.ForeignKey(
        SpendingGoal, on_delete=models.PROTECT, related_name="+", verbose_name=_("bestedingsdoel")
    )
    partner = models.ForeignKey(
        "schools.PartnerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partnerorganisatie"),
    )
    activity = models.ForeignKey(
        "cycles.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activiteit"),
    )
    description = models.CharField(_("omschrijving"), max_length=300)
    reference = models.CharField(_("factuur- of ordernummer"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TransactionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.description}"

    @property
    def effective_performance_date(self):
        return self.performance_date or self.date

    @effective_performance_date.setter
    def effective_performance_date(self, value) -> None:
        # Set by the with_effective_performance_date() annotation; it equals what the getter
        # computes from the row's own fields, so there is nothing to keep.
        pass

    def clean(self):
        """Everything this row points at must belong to the same municipality (and cycle)."""
        errors = {}
        mine = self.municipality_id
        if self.spending_goal_id and self.spending_goal.municipality_id != mine:
            errors["spending_goal"] = _("Dit bestedingsdoel hoort niet bij deze gemeente.")
        if self.partner_id and self.partner.municipality_id != mine:
            errors["partner"] = _("Deze partner hoort niet bij deze gemeente.")
        if self.activity_id:
            if self.activity.municipality_id != mine:
                errors["activity"] = _("Deze activiteit hoort niet bij deze gemeente.")
            elif (
                self.spending_goal_id and self.activity.goal.cycle_id != self.spending_goal.cycle_id
            ):
                errors["activity"] = _(
                    "Deze activiteit hoort bij een andere cyclus dan het bestedingsdoel."
                )
        if errors:
            raise ValidationError(errors)


class Commitment(Transaction):
    """A verplichting: money the municipality has committed (an order, a contract, a subsidy)."""

    class Meta(Transaction.Meta):
        verbose_name = _("verplichting")
        verbose_name_plural = _("verplichtingen")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="commitment_not_negative",
                violation_error_message=_(
                    "Het bedrag van een verplichting mag niet negatief zijn."
                ),
            ),
        ]
        indexes = [models.Index(fields=["municipality", "date"])]


class Spending(Transaction):
    """Realisatie: money actually paid. May be negative (a credit note or correction)."""

    class Meta(Transaction.Meta):
        verbose_name = _("besteding")
        verbose_name_plural = _("bestedingen")
        indexes = [models.Index(fields=["municipality", "date"])]


class StreamFreeze(TenantModel):
    """A stream closed for one municipality: its commitments and spending are read-only.

    Set by a vaststelling (budgets.services) or by the final accounting's sign-off. Reopening
    keeps the row (``reopened_at``, ``reopened_by``, ``reopen_reason``): the history stays, and
    the audit trail logs both. At most one active (not reopened) freeze per municipality and stream.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="stream_freezes"
    )
    stream = models.ForeignKey(
        FundingStream, on_delete=models.PROTECT, related_name="+", verbose_name=_("geldstroom")
    )
    frozen_at = models.DateTimeField(_("afgesloten op"), default=timezone.now)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgesloten door"),
    )
    reason = models.CharField(_("aanleiding"), max_length=300, blank=True)
    beschikking = models.ForeignKey(
        Beschikking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vaststelling"),
    )
    reopened_at = models.DateTimeField(_("heropend op"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("heropend door"),
    )
    reopen_reason = models.TextField(_("reden van heropenen"), blank=True)

    class Meta:
        verbose_name = _("afgesloten geldstroom")
        verbose_name_plural = _("afgesloten geldstromen")
        ordering = ["-frozen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "stream"],
                condition=Q(reopened_at__isnull=True),
                name="stream_freeze_once_active",
                violation_error_message=_("Deze geldstroom is voor deze gemeente al afgesloten."),
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="stream_freeze_reopen_has_reason",
                violation_error_message=_("Geef een reden om de geldstroom te heropenen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stream} {self.frozen_at:%d-%m-%Y}"

    @property
    def is_active(self) -> bool:
        return self.reopened_at is None
