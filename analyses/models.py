"""School NPO analyses (issue 6): what a school location sees, chose and needs, per 4D cycle.

A school user fills in the analysis of its own location for the municipality's open cycle;
advisors and policy officers review it (accept, or return it with a comment). The cycle lives in
the ``cycles`` app, above this one, so it is referenced by a string foreign key.

Every model is a ``TenantModel`` and is therefore in the audit trail automatically; the analysis
names its interventions in ``AUDIT_M2M_FIELDS`` so that changes to the chosen interventions are
logged too.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.npo import ANALYSIS_DOMAINS, Domain, SpendingCategory
from core.uploads import MB, GeneratedName, UploadPolicy
from municipalities.models import TenantModel

__all__ = [
    "AnalysisAttachment",
    "AnalysisIntake",
    "AnalysisNeed",
    "AnalysisRemark",
    "AnalysisReminder",
    "AnalysisStatus",
    "Delay",
    "DOMAIN_FIELDS",
    "RECEIVED_STATUSES",
    "SchoolAnalysis",
]


class AnalysisStatus(models.TextChoices):
    DRAFT = "concept", _("Concept")
    SUBMITTED = "ingediend", _("Ingediend")
    RETURNED = "teruggestuurd", _("Teruggestuurd")
    RESUBMITTED = "opnieuw_ingediend", _("Opnieuw ingediend")
    ACCEPTED = "geaccepteerd", _("Geaccepteerd")


# Statuses in which the municipality has received the analysis (the Data-phase gate counts these).
RECEIVED_STATUSES = (
    AnalysisStatus.SUBMITTED,
    AnalysisStatus.RESUBMITTED,
    AnalysisStatus.ACCEPTED,
)
# Statuses in which the school may still change its analysis.
EDITABLE_STATUSES = (AnalysisStatus.DRAFT, AnalysisStatus.RETURNED)
# Statuses an editor can review.
REVIEWABLE_STATUSES = (AnalysisStatus.SUBMITTED, AnalysisStatus.RESUBMITTED)


class Delay(models.TextChoices):
    NONE = "geen", _("Geen vertraging")
    SMALL = "klein", _("Kleine vertraging")
    LARGE = "groot", _("Grote vertraging")


# (domain, delay field, share field) for each domain an analysis asks about, in display order.
DOMAIN_FIELDS: list[tuple[Domain, str, str]] = [
    (domain, f"delay_{domain.value}", f"share_{domain.value}") for domain in ANALYSIS_DOMAINS
]


def _delay_field(verbose_name) -> models.CharField:
    return models.CharField(
        verbose_name,
        max_length=5,
        choices=Delay.choices,
        blank=True,
    )


def _share_field(verbose_name) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class SchoolAnalysis(TenantModel):
    """One school location's NPO analysis for one 4D cycle."""

    # The chosen interventions are logged in the audit trail as well as the plain fields.
    AUDIT_M2M_FIELDS = ("interventions",)

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="analyses",
        verbose_name=_("school"),
    )
    cycle = models.ForeignKey(
        "cycles.Cycle",
        on_delete=models.CASCADE,
        related_name="school_analyses",
        verbose_name=_("cyclus"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AnalysisStatus.choices, default=AnalysisStatus.DRAFT
    )

    # Written out (not generated) so the migration and the admin read plainly.
    delay_taal = _delay_field(_("vertraging taal/lezen"))
    share_taal = _share_field(_("aandeel leerlingen taal/lezen (%)"))
    delay_rekenen = _delay_field(_("vertraging rekenen"))
    share_rekenen = _share_field(_("aandeel leerlingen rekenen (%)"))
    delay_sociaal_emotioneel = _delay_field(_("vertraging sociaal-emotioneel"))
    share_sociaal_emotioneel = _share_field(_("aandeel leerlingen sociaal-emotioneel (%)"))
    delay_welbevinden = _delay_field(_("vertraging welbevinden"))
    share_welbevinden = _share_field(_("aandeel leerlingen welbevinden (%)"))
    delay_executief = _delay_field(_("vertraging executieve functies"))
    share_executief = _share_field(_("aandeel leerlingen executieve functies (%)"))

    interventions = models.ManyToManyField(
        "schools.Intervention",
        blank=True,
        related_name="+",
        verbose_name=_("gekozen interventies (NPO-menukaart)"),
    )
    own_budget = models.DecimalField(
        _("eigen NPO-budget van de school"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    review_comment = models.TextField(_("opmerking bij terugsturen"), blank=True)
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingediend door"),
    )
    reviewed_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beoordeeld door"),
    )
    imported = models.BooleanField(
        _("via bulkinvoer"),
        default=False,
        help_text=_("Ingevoerd door de gemeente met het sjabloon."),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    class Meta:
        verbose_name = _("schoolanalyse")
        verbose_name_plural = _("schoolanalyses")
        ordering = ["cycle", "school__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "cycle"], name="analysis_one_per_school_cycle"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{share}__isnull": True})
                    | Q(**{f"{share}__gte": 0, f"{share}__lte": 100}),
                    name=f"analysis_{share}_0_100",
                )
                for _domain, _delay, share in DOMAIN_FIELDS
            ],
            models.CheckConstraint(
                condition=Q(own_budget__isnull=True) | Q(own_budget__gte=0),
                name="analysis_own_budget_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "cycle", "status"])]

    def __str__(self) -> str:
        return f"{self.school} – {self.cycle}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_reviewable(self) -> bool:
        return self.status in REVIEWABLE_STATUSES

    @property
    def is_received(self) -> bool:
        return self.status in RECEIVED_STATUSES

    def domain_rows(self) -> list[dict]:
        """Per domain: label, delay (code and label) and share, for templates and exports."""
        rows = []
        for domain, delay_name, share_name in DOMAIN_FIELDS:
            delay = getattr(self, delay_name)
            rows.append(
                {
                    "domain": domain,
                    "label": domain.label,
                    "delay": delay,
                    "delay_label": Delay(delay).label if delay else "",
                    "share": getattr(self, share_name),
                }
            )
        return rows

    def missing_for_submit(self) -> list[str]:
        """Dutch descriptions of what must be filled in before the analysis can be submitted."""
        missing = []
        for domain, delay_name, share_name in DOMAIN_FIELDS:
            if not getattr(self, delay_name):
                missing.append(_("vertraging bij %(d)s") % {"d": str(domain.label).lower()})
            if getattr(self, share_name) is None:
                missing.append(_("aandeel leerlingen bij %(d)s") % {"d": str(domain.label).lower()})
        return [str(m) for m in missing]


class AnalysisNeed(TenantModel):
    """What the school needs from the municipality and partners, in one spending-goal category."""

    analysis = models.ForeignKey(
        SchoolAnalysis, on_delete=models.CASCADE, related_name="needs", verbose_name=_("analyse")
    )
    category = models.CharField(
        _("bestedingsdoel"), max_length=20, choices=SpendingCategory.choices
    )
    explanation = models.TextField(_("toelichting"))

    class Meta:
        verbose_name = _("behoefte")
        verbose_name_plural = _("behoeften")
        ordering = ["analysis", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "category"], name="analysisneed_one_per_category"
            )
        ]

    def __str__(self) -> str:
        return self.get_category_display()


class AnalysisRemark(TenantModel):
    """A remark on an analysis, in order: the municipality's when it returns or accepts the
    analysis, and the school's reply. ``SchoolAnalysis.review_comment`` keeps the latest return
    remark (what the school must change); this is the whole conversation."""

    class Kind(models.TextChoices):
        RETURN = "terugsturen", _("Bij het terugsturen")
        ACCEPT = "accepteren", _("Bij het accepteren")
        REPLY = "reactie", _("Reactie van de school")

    analysis = models.ForeignKey(
        SchoolAnalysis, on_delete=models.CASCADE, related_name="remarks", verbose_name=_("analyse")
    )
    kind = models.CharField(_("soort"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("opmerking"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geschreven door"),
    )
    written_at = models.DateTimeField(_("geschreven op"), default=timezone.now)

    class Meta:
        verbose_name = _("opmerking bij schoolanalyse")
        verbose_name_plural = _("opmerkingen bij schoolanalyses")
        ordering = ["analysis", "written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"

    @property
    def from_school(self) -> bool:
        return self.kind == self.Kind.REPLY


# What a school's analysis document may be: checked by its content (core.uploads).
ATTACHMENT_UPLOAD = UploadPolicy(
    kinds=("pdf", "docx", "xlsx", "odt"),
    max_bytes=20 * MB,
    wrong_kind_message=_(
        "Dit bestand is geen PDF-, Word- (DOCX), Excel- (XLSX) of OpenDocument-bestand "
        "(ODT), ook al heeft het een extensie die daarop lijkt. Upload het document zelf."
    ),
)


class AnalysisAttachment(TenantModel):
    """The school's own analysis document. No public URL: served by an access-checked view."""

    analysis = models.ForeignKey(
        SchoolAnalysis,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("analyse"),
    )
    # A random name under MEDIA_ROOT (outside the web root); the real name is kept in a field.
    file = models.FileField(
        _("bestand"), upload_to=GeneratedName("analyses/{municipality_id}"), max_length=300
    )
    name = models.CharField(_("bestandsnaam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=10)
    content_type = models.CharField(_("inhoudstype"), max_length=100)
    size = models.PositiveBigIntegerField(_("grootte (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geüpload door"),
    )
    uploaded_at = models.DateTimeField(_("geüpload op"), default=timezone.now)

    class Meta:
        verbose_name = _("bijlage bij schoolanalyse")
        verbose_name_plural = _("bijlagen bij schoolanalyses")
        ordering = ["analysis", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class AnalysisReminder(TenantModel):
    """A reminder sent to one school about its missing analysis (one per school per day at most)."""

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="+", verbose_name=_("cyclus")
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    recipients = models.PositiveSmallIntegerField(_("aantal ontvangers"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("verstuurd door"),
    )
    sent_at = models.DateTimeField(_("verstuurd op"), default=timezone.now)

    class Meta:
        verbose_name = _("herinnering schoolanalyse")
        verbose_name_plural = _("herinneringen schoolanalyse")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["cycle", "school", "-sent_at"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.sent_at:%Y-%m-%d %H:%M}"


def _intake_token() -> str:
    return secrets.token_urlsafe(24)


class AnalysisIntake(TenantModel):
    """An uploaded bulk-intake spreadsheet, parsed and validated, waiting for confirmation.

    The preview shown to the editor is stored here: confirming imports exactly these parsed rows,
    never data sent back by the browser.
    """

    # The parsed rows are a copy of the file: too big and too noisy for the trail.
    AUDIT_EXCLUDE_FIELDS = ("rows", "token")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Voorbeeld")
        IMPORTED = "imported", _("Ingelezen")

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="+", verbose_name=_("cyclus")
    )
    token = models.CharField(max_length=40, unique=True, default=_intake_token, editable=False)
    file = models.FileField(
        _("bestand"), upload_to=GeneratedName("analysis-intake/{municipality_id}"), max_length=300
    )
    file_name = models.CharField(_("bestandsnaam"), max_length=200)
    rows = models.JSONField(_("ingelezen regels"), default=list)
    error_count = models.PositiveIntegerField(_("aantal fouten"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("geüpload door"),
    )
    created_at = models.DateTimeField(_("geüpload op"), default=timezone.now)
    imported_at = models.DateTimeField(_("ingelezen op"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulkinvoer schoolanalyses")
        verbose_name_plural = _("bulkinvoer schoolanalyses")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
