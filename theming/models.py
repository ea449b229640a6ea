from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.uploads import GeneratedName
from municipalities.models import Municipality, TenantModel
from theming.contrast import check_contrast
from theming.tokens import default_tokens, parse_token_file, shipped_tokens


class MunicipalityTheme(TenantModel):
    """A municipality's house style: a token set over the default theme, a logo, a name form.

    One per municipality (a municipality without one shows the default theme). The token set is
    the default voorbeeld theme, one we ship (``theming/themes/<key>.css``) or a file staff
    uploaded, stored as ``tokens_css`` writes it (never the upload itself). ``clean()`` refuses a
    set whose colours fail the contrast check (theming.contrast).
    """

    class TokenSet(models.TextChoices):
        VOORBEELD = "voorbeeld", _("Standaard (voorbeeldthema van NL Design System)")
        ROOD = "rood", _("Voorbeeldhuisstijl rood")
        GROEN = "groen", _("Voorbeeldhuisstijl groen")
        UPLOADED = "uploaded", _("Eigen tokenbestand")

    class LogoKind(models.TextChoices):
        PNG = "png", "PNG"
        JPEG = "jpeg", "JPEG"
        SVG = "svg", _("SVG (opgeschoond)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeente")
    )
    token_set = models.CharField(
        _("tokenset"), max_length=20, choices=TokenSet, default=TokenSet.VOORBEELD
    )
    token_css = models.TextField(
        _("eigen tokens (opgeschoond)"),
        blank=True,
        editable=False,
        help_text=_(
            "De tokens uit het geüploade bestand, zoals het platform ze heeft herschreven."
        ),
    )
    logo = models.FileField(
        _("logo"), upload_to=GeneratedName("theming/{municipality_id}"), blank=True, max_length=300
    )
    logo_kind = models.CharField(
        _("soort logo"), max_length=4, choices=LogoKind, blank=True, editable=False
    )
    name_form = models.CharField(
        _("naamvorm"),
        max_length=100,
        blank=True,
        help_text=_("Hoe de gemeente zich noemt, bijvoorbeeld “Gemeente Utrecht”."),
    )

    class Meta:
        verbose_name = _("huisstijl")
        verbose_name_plural = _("huisstijlen")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"], name="theming_one_theme_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return str(self.display_name)

    @property
    def display_name(self) -> str:
        return self.name_form or _("Gemeente %(name)s") % {"name": self.municipality.name}

    def overrides(self) -> dict[str, str]:
        """The tokens this theme sets over the default theme (empty for the default)."""
        if self.token_set == self.TokenSet.UPLOADED:
            return parse_token_file(self.token_css) if self.token_css else {}
        if self.token_set == self.TokenSet.VOORBEELD:
            return {}
        return shipped_tokens(self.token_set)

    def clean(self) -> None:
        super().clean()
        if self.token_set == self.TokenSet.UPLOADED and not self.token_css:
            raise ValidationError(
                {"token_set": _("Kies een tokenbestand om te uploaden voor een eigen tokenset.")}
            )
        failing = [r for r in check_contrast(self.overrides(), default_tokens()) if not r.passes]
        if failing:
            raise ValidationError(
                [
                    _("Het contrast is te laag. %(problem)s") % {"problem": r.message()}
                    for r in failing
                ],
                code="contrast",
            )
