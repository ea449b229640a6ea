"""School boards and school locations (vestigingen) from DUO's public files."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality


class SchoolBoard(models.Model):
    """A bevoegd gezag (school board). Not tenant-owned: one board runs schools in many places."""

    number = models.CharField(_("bevoegd-gezagnummer"), max_length=10, unique=True)
    name = models.CharField(_("naam"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("schoolbestuur")
        verbose_name_plural = _("schoolbesturen")
        ordering = ["name", "number"]

    def __str__(self) -> str:
        return self.name or self.number


class SchoolQuerySet(models.QuerySet):
    def for_municipality(self, municipality: Municipality) -> "SchoolQuerySet":
        return self.filter(municipality=municipality)

    def active(self) -> "SchoolQuerySet":
        return self.filter(is_active=True)


class School(models.Model):
    """A school location (vestiging), keyed by DUO's vestigingscode (BRIN + 2 digits)."""

    class Sector(models.TextChoices):
        BO = "BO", _("Basisonderwijs")
        SBO = "SBO", _("Speciaal basisonderwijs")
        SO = "SO", _("Speciaal onderwijs")
        VSO = "VSO", _("Voortgezet speciaal onderwijs")
        SO_VSO = "SO/VSO", _("Speciaal en voortgezet speciaal onderwijs")
        VO = "VO", _("Voortgezet onderwijs")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="schools", verbose_name=_("gemeente")
    )
    vestigingscode = models.CharField(_("vestigingscode"), max_length=6, unique=True)
    brin = models.CharField(_("BRIN"), max_length=4, db_index=True)
    name = models.CharField(_("naam"), max_length=200)
    sector = models.CharField(_("sector"), max_length=6, choices=Sector.choices)
    onderwijsstructuur = models.CharField(_("onderwijsstructuur"), max_length=100, blank=True)
    denomination = models.CharField(_("denominatie"), max_length=100, blank=True)
    board = models.ForeignKey(
        SchoolBoard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schools",
        verbose_name=_("schoolbestuur"),
    )
    street = models.CharField(_("straat en huisnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    local_note = models.TextField(
        _("eigen notitie"),
        blank=True,
        help_text=_("Notitie van de gemeente; DUO-gegevens zelf zijn niet te wijzigen."),
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("schoolvestiging")
        verbose_name_plural = _("schoolvestigingen")
        ordering = ["name", "vestigingscode"]
        indexes = [models.Index(fields=["municipality", "sector"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.vestigingscode})"
