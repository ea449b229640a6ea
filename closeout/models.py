"""The final accounting (eindverantwoording) of a funding stream with a spending window.

One ``FinalAccounting`` per municipality and stream carries the sign-off (concept →
gecontroleerd → definitief) and, once definitief, the frozen snapshot of figures, SiSa lines and
checks with its SHA-256. What the municipality enters around it: the SiSa values already reported
in earlier accounts (``ReportedSisaValue``), the amounts in its own ledger (``LedgerAmount``,
grootboek) and the consultation with school boards and childcare (``Consultation``). The SiSa
indicator texts per stream and year are platform reference data (``IndicatorText``, admin).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from municipalities.models import TenantModel

AMOUNT = {"max_digits": 12, "decimal_places": 2}


class FinalAccounting(TenantModel):
    class Status(models.TextChoices):
        CONCEPT = "concept", _("Concept")
        CHECKED = "gecontroleerd", _("Gecontroleerd")
        FINAL = "definitief", _("Definitief")

    stream = models.ForeignKey(
        "budgets.FundingStream",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("geldstroom"),
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.CONCEPT
    )
    final_year = models.PositiveSmallIntegerField(
        _("jaar van de eindverantwoording"),
        help_text=_("Het jaar T van de jaarrekening waarin je de eindverantwoording geeft."),
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opgesteld door"),
    )
    prepared_at = models.DateTimeField(_("opgesteld op"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gecontroleerd door"),
    )
    checked_at = models.DateTimeField(_("gecontroleerd op"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("definitief gemaakt door"),
    )
    finalised_at = models.DateTimeField(_("definitief gemaakt op"), null=True, blank=True)
    decision_date = models.DateField(_("datum collegebesluit"), null=True, blank=True)
    decision_reference = models.CharField(_("kenmerk collegebesluit"), max_length=100, blank=True)
    # The municipality's own deadline for finishing this accounting (e.g. the date its accounts
    # go to the accountant); the last moment is set by the regulation (closeout.selectors).
    internal_deadline = models.DateField(
        _("interne deadline"),
        null=True,
        blank=True,
        help_text=_("De datum waarop de gemeente de eindverantwoording zelf klaar wil hebben."),
    )
    snapshot = models.JSONField(_("vastgelegde stand"), null=True, blank=True, editable=False)
    snapshot_sha256 = models.CharField(_("SHA-256 van de stand"), max_length=64, blank=True)
    reopen_reason = models.TextField(_("reden heropenen"), blank=True)
    # An eindverantwoording already given in a set of accounts (outside the platform).
    given_year = models.PositiveSmallIntegerField(
        _("gegeven in de jaarrekening over"), null=True, blank=True
    )
    given_on = models.DateField(_("datum gegeven"), null=True, blank=True)
    given_amount = models.DecimalField(
        _("verantwoorde besteding (cumulatief)"), null=True, blank=True, **AMOUNT
    )
    given_note = models.TextField(_("toelichting eindverantwoording"), blank=True)

    class Meta:
        verbose_name = _("eindverantwoording")
        verbose_name_plural = _("eindverantwoordingen")
        ordering = ["stream__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "stream"],
                name="final_accounting_once_per_stream",
                violation_error_message=_(
                    "Deze gemeente heeft al een eindverantwoording voor deze geldstroom."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="definitief")
                | (Q(decision_date__isnull=False) & ~Q(snapshot_sha256="")),
                name="final_accounting_definitief_has_decision",
                violation_error_message=_(
                    "Een definitieve eindverantwoording heeft een collegebesluit en een stand."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("Eindverantwoording %(stream)s") % {"stream": self.stream}

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.CONCEPT


class ReportedSisaValue(TenantModel):
    """What the municipality already reported in the SiSa annex of its accounts over year T."""

    accounting = models.ForeignKey(
        FinalAccounting, on_delete=models.CASCADE, related_name="reported_values"
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    amount = models.DecimalField(_("gerapporteerde besteding"), **AMOUNT)

    class Meta:
        verbose_name = _("gerapporteerde SiSa-waarde")
        verbose_name_plural = _("gerapporteerde SiSa-waarden")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["accounting", "year"], name="reported_sisa_value_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class LedgerAmount(TenantModel):
    """The spending on the stream in the municipality's own ledger (grootboek) in year T."""

    accounting = models.ForeignKey(
        FinalAccounting, on_delete=models.CASCADE, related_name="ledger_amounts"
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    amount = models.DecimalField(_("bedrag grootboek"), **AMOUNT)

    class Meta:
        verbose_name = _("grootboekbedrag")
        verbose_name_plural = _("grootboekbedragen")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["accounting", "year"], name="ledger_amount_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class Consultation(TenantModel):
    """The consultation with school boards and childcare on the spending (NPO regulation)."""

    accounting = models.ForeignKey(
        FinalAccounting, on_delete=models.CASCADE, related_name="consultations"
    )
    date = models.DateField(_("datum"))
    session = models.ForeignKey(
        "cycles.StakeholderSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duidingssessie"),
        help_text=_("Als het overleg in een duidingssessie van een cyclus plaatsvond."),
    )
    participants = models.TextField(
        _("deelnemers"), help_text=_("Wie waren erbij: schoolbesturen, kinderopvang, anderen.")
    )
    with_school_boards = models.BooleanField(_("met schoolbesturen"), default=False)
    with_childcare = models.BooleanField(_("met kinderopvang"), default=False)
    in_lea_oogo = models.BooleanField(
        _("in de LEA/het OOGO"),
        default=False,
        help_text=_("Het overleg vond plaats in de Lokale Educatieve Agenda (OOGO)."),
    )
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("overleg")
        verbose_name_plural = _("overleggen")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return date_format(self.date, "j N Y")


class IndicatorText(models.Model):
    """A SiSa indicator of a stream for accounts over one year. Platform reference data."""

    stream = models.ForeignKey(
        "budgets.FundingStream",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("geldstroom"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    code = models.CharField(_("indicatornummer"), max_length=30, help_text=_("Bijv. H8/01."))
    text = models.TextField(_("tekst"))
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=100)

    class Meta:
        verbose_name = _("SiSa-indicator")
        verbose_name_plural = _("SiSa-indicatoren")
        ordering = ["stream", "year", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "year", "code"], name="indicator_text_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.year})"


class ActivityContinuation(TenantModel):
    """What happens after the close-out to one activity of a closed cycle: continued (as it was,
    or changed) under another funding stream, or stopped. A continued activity gets a copy in the
    next cycle whose ``carried_from`` points back here (its history); the council evaluation
    reports these decisions."""

    class Decision(models.TextChoices):
        CONTINUE = "voortzetten", _("Voortzetten")
        CHANGE = "aanpassen", _("Aangepast voortzetten")
        STOP = "stoppen", _("Stoppen")

    activity = models.OneToOneField(
        "cycles.Activity",
        on_delete=models.CASCADE,
        related_name="continuation",
        verbose_name=_("activiteit"),
    )
    decision = models.CharField(_("besluit"), max_length=12, choices=Decision.choices)
    stream = models.ForeignKey(
        "budgets.FundingStream",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geldstroom"),
        help_text=_("Uit welke geldstroom de activiteit verder wordt betaald."),
    )
    category = models.CharField(
        _("bestedingscategorie"),
        max_length=40,
        blank=True,
        help_text=_("De categorie van die geldstroom waaronder de activiteit valt."),
    )
    note = models.TextField(_("toelichting"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besloten door"),
    )

    class Meta:
        verbose_name = _("voortzetting")
        verbose_name_plural = _("voortzettingen")
        ordering = ["activity"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="stoppen") | Q(stream__isnull=False),
                name="continuation_needs_stream",
                violation_error_message=_("Kies uit welke geldstroom de activiteit verder gaat."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.get_decision_display()}"
