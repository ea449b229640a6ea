"""School boards and school locations (vestigingen) from DUO's public files."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality, TenantModel, TenantQuerySet


class SchoolBoard(models.Model):
    """A bevoegd gezag (school board). Not tenant-owned: one board runs schools in many places."""

    number = models.CharField(_("bevoegd-gezagnummer"), max_length=10, unique=True)
    name = models.CharField(_("naam"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("schoolbestuur")
        verbose_name_plural = _("schoolbesturen")
        ordering = ["name", "number"]

    def __str__(self) -> str:
        # DUO names only VO boards: the others show their number, never a bare one.
        return self.name or _("%(number)s (naam onbekend)") % {"number": self.number}


class SchoolQuerySet(TenantQuerySet):
    def active(self) -> "SchoolQuerySet":
        return self.filter(is_active=True)


class School(models.Model):
    """A school location (vestiging), keyed by DUO's vestigingscode (BRIN + 2 digits).

    Not a ``TenantModel``: a location is reference data, and its municipality is where DUO's
    files place it, not an owner (the loader moves it when DUO does). It still has
    ``for_municipality()``, and its changes go to that municipality's audit trail.
    """

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


class PupilCount(models.Model):
    """Pupils at a school location on 1 October of ``year`` (DUO teldatum).

    DUO suppresses small counts as ``<5``: then ``count`` is empty and ``suppressed`` is set, so
    totals can say how many locations they could not count.
    """

    # No index of its own: the unique (school, year) index leads with the school and serves
    # every read by school. With both, PostgreSQL took the school index and filtered a
    # location's 25 years for the one asked (the school list: 1.7 ms against 1.0 ms).
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        related_name="pupil_counts",
        verbose_name=_("school"),
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("jaar (1 oktober)"))
    count = models.PositiveIntegerField(_("aantal leerlingen"), null=True, blank=True)
    suppressed = models.BooleanField(
        _("afgeschermd (<5)"), default=False, help_text=_("DUO publiceert kleine aantallen als <5.")
    )
    # VO only: of ``count``, the pupils the school placed with adult education (vavo). They
    # count for the NPO (Stcrt. 2021, 42927, art. 1); empty where DUO's file has no such column.
    vavo = models.PositiveIntegerField(_("waarvan uitbesteed aan vavo"), null=True, blank=True)

    class Meta:
        verbose_name = _("leerlingtelling")
        verbose_name_plural = _("leerlingtellingen")
        ordering = ["school", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year"], name="pupilcount_one_per_school_year"
            )
        ]
        # latest_pupil_year() asks MAX(year) on every school page: an index answers it at once.
        indexes = [models.Index(fields=["year"], name="pupilcount_year_idx")]

    def __str__(self) -> str:
        shown = "<5" if self.suppressed else self.count
        return f"{self.school_id} {self.year}: {shown}"


class SchoolWeight(models.Model):
    """The CBS schoolweging of a school location in one school year (published by the Inspectie)."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="weights", verbose_name=_("school")
    )
    school_year = models.CharField(_("schooljaar"), max_length=9, help_text="2023-2024")
    weight = models.DecimalField(
        _("schoolweging"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    pupils = models.PositiveIntegerField(_("aantal leerlingen"), null=True, blank=True)
    spread = models.DecimalField(
        _("spreiding"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("schoolweging")
        verbose_name_plural = _("schoolwegingen")
        ordering = ["school", "school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year"], name="schoolweight_one_per_school_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.school_year}: {self.weight}"


class PartnerOrganisationQuerySet(TenantQuerySet):
    def active(self) -> "PartnerOrganisationQuerySet":
        return self.filter(is_active=True)


class PartnerOrganisation(TenantModel):
    """An organisation the municipality works with in its NPO plan (tenant-owned)."""

    class Kind(models.TextChoices):
        CHILDCARE = "childcare", _("Kinderopvang / VVE")
        YOUTH_HEALTH = "jgz", _("Jeugdgezondheidszorg (JGZ)")
        SWV_PO = "swv_po", _("Samenwerkingsverband passend onderwijs PO")
        SWV_VO = "swv_vo", _("Samenwerkingsverband passend onderwijs VO")
        LIBRARY = "library", _("Bibliotheek")
        WELFARE = "welfare", _("Welzijn / jongerenwerk")
        SPORT = "sport", _("Sport")
        CULTURE = "culture", _("Cultuur")
        ATTENDANCE = "attendance", _("Leerplicht / RMC")
        OTHER = "other", _("Overig")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="partner_organisations",
        verbose_name=_("gemeente"),
    )
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    contact_name = models.CharField(_("contactpersoon"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mailadres contactpersoon"), blank=True)
    schools = models.ManyToManyField(
        School,
        blank=True,
        related_name="partner_organisations",
        verbose_name=_("scholen waarmee samengewerkt wordt"),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    objects = PartnerOrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnerorganisatie")
        verbose_name_plural = _("partnerorganisaties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="partner_unique_name_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Intervention(models.Model):
    """An intervention on the NPO-menukaart (platform-wide reference data, not tenant-owned).

    Effect, evidence and cost are the EEF Teaching and Learning Toolkit ratings the menukaart
    shows; empty where the menukaart gives none.
    """

    class Area(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"
        E = "E", "E"
        F = "F", "F"

    version = models.CharField(_("versie menukaart"), max_length=40)
    area = models.CharField(_("doelgebied"), max_length=1, choices=Area.choices)
    area_description = models.CharField(_("omschrijving doelgebied"), max_length=200)
    name = models.CharField(_("interventie"), max_length=200)
    effect_months = models.SmallIntegerField(_("effect (maanden)"), null=True, blank=True)
    evidence = models.PositiveSmallIntegerField(_("bewijskracht (0–5)"), null=True, blank=True)
    cost = models.PositiveSmallIntegerField(_("kosten (1–5)"), null=True, blank=True)
    source_url = models.URLField(_("bron"), blank=True)

    class Meta:
        verbose_name = _("interventie (NPO-menukaart)")
        verbose_name_plural = _("interventies (NPO-menukaart)")
        ordering = ["version", "area", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "name"], name="intervention_unique_per_version"
            ),
            models.CheckConstraint(
                condition=Q(evidence__isnull=True) | Q(evidence__lte=5),
                name="intervention_evidence_0_5",
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | (Q(cost__gte=1) & Q(cost__lte=5)),
                name="intervention_cost_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}. {self.name}"

    def rating_texts(self) -> dict[str, str]:
        """Effect, evidence and cost as shown everywhere: an empty rating reads "niet
        beoordeeld" (the menukaart gives none), never 0."""
        unrated = _("niet beoordeeld")
        return {
            "effect": (
                _("%(n)+d maanden") % {"n": self.effect_months}
                if self.effect_months is not None
                else unrated
            ),
            "evidence": f"{self.evidence}/5" if self.evidence is not None else unrated,
            "cost": f"{self.cost}/5" if self.cost is not None else unrated,
        }

    def rating_line(self) -> str:
        """One line: "effect +4 maanden · bewijskracht 3/5 · kosten 1/5"."""
        texts = self.rating_texts()
        return " · ".join(
            [
                _("effect %(value)s") % {"value": texts["effect"]},
                _("bewijskracht %(value)s") % {"value": texts["evidence"]},
                _("kosten %(value)s") % {"value": texts["cost"]},
            ]
        )


class ReferenceImport(models.Model):
    """One reference file as last loaded: lets a repeated load skip files whose hash is unchanged."""

    dataset = models.CharField(_("gegevensset"), max_length=50, unique=True)
    file_name = models.CharField(_("bestand"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    loaded_at = models.DateTimeField(_("geladen op"))
    summary = models.JSONField(_("samenvatting"), default=dict, blank=True)

    class Meta:
        verbose_name = _("geladen referentiebestand")
        verbose_name_plural = _("geladen referentiebestanden")
        ordering = ["dataset"]

    def __str__(self) -> str:
        return f"{self.dataset}: {self.file_name}"
