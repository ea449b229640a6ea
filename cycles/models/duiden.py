"""Duiden: the stakeholder sessions, their attachments and the findings read in the data."""

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.npo import Domain, TargetGroup
from core.uploads import MB, GeneratedName, UploadPolicy
from cycles.models.cycle import Cycle
from municipalities.models import TenantModel


class StakeholderSession(TenantModel):
    """A Duiden session with schools, childcare, JGZ and other partners."""

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

    class Meta:
        verbose_name = _("duidingssessie")
        verbose_name_plural = _("duidingssessies")
        ordering = ["cycle", "date", "pk"]

    def __str__(self) -> str:
        return self.title


# What a session's minutes and presentations come in: checked by their content (core.uploads).
SESSION_ATTACHMENT_UPLOAD = UploadPolicy(
    kinds=("pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "png", "jpeg", "txt"),
    max_bytes=10 * MB,
    wrong_kind_message=_(
        "Dit soort bestand kan niet worden toegevoegd. Toegestaan zijn PDF, Word, "
        "Excel, PowerPoint, OpenDocument, PNG, JPEG en platte tekst."
    ),
)


class SessionAttachment(TenantModel):
    """A file belonging to a session (presentation, attendance list). Served only through a view
    that checks the membership: there is no public media URL."""

    session = models.ForeignKey(
        StakeholderSession,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("sessie"),
    )
    # A random name (never the uploader's); ``name`` keeps the cleaned display name.
    file = models.FileField(
        _("bestand"),
        upload_to=GeneratedName("cycles/{municipality_id}/sessions/{session_id}"),
        max_length=300,
    )
    name = models.CharField(_("naam"), max_length=200)
    uploaded_at = models.DateTimeField(_("geüpload op"), default=timezone.now)

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["session", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Finding(TenantModel):
    """What the stakeholders read in the data: a theme, its evidence and its priority."""

    class Priority(models.IntegerChoices):
        HIGH = 1, _("Hoog")
        MEDIUM = 2, _("Middel")
        LOW = 3, _("Laag")

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

    class Meta:
        verbose_name = _("bevinding")
        verbose_name_plural = _("bevindingen")
        ordering = ["cycle", F("priority").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.theme
