from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from theming.logo import MAX_LOGO_BYTES, check_logo
from theming.models import MunicipalityTheme
from theming.services import token_file_read
from theming.tokens import MAX_TOKEN_FILE_BYTES


class MunicipalityThemeForm(forms.ModelForm):
    """The staff form (in the admin): token set, token file, logo, name form.

    The file checks run in ``clean()``; the contrast check in the model's ``clean()``, which the
    form runs on the instance with the new token set, so a refused theme shows every failing pair
    and nothing is saved."""

    token_file = forms.FileField(
        label=_("tokenbestand (.css)"),
        required=False,
        help_text=_(
            "Alleen custom properties (--naam: waarde) onder één selector, hoogstens %(kb)s KB; "
            "geen url(), geen @import. Met een bestand wordt de tokenset “Eigen tokenbestand”."
        )
        % {"kb": MAX_TOKEN_FILE_BYTES // 1024},
    )
    logo_file = forms.FileField(
        label=_("nieuw logo"),
        required=False,
        help_text=_(
            "PNG of JPEG (hoogstens %(mb)s MB), of een eenvoudige SVG die wordt opgeschoond."
        )
        % {"mb": MAX_LOGO_BYTES // (1024 * 1024)},
    )
    remove_logo = forms.BooleanField(label=_("logo verwijderen"), required=False)

    class Meta:
        model = MunicipalityTheme
        fields = ["municipality", "token_set", "name_form"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked_logo = None

    def clean(self):
        cleaned = super().clean()
        token_file = cleaned.get("token_file")
        if token_file:
            try:
                self.instance.token_css = token_file_read(token_file)
            except ValidationError as error:
                self.add_error("token_file", error)
            else:
                cleaned["token_set"] = MunicipalityTheme.TokenSet.UPLOADED
        logo_file = cleaned.get("logo_file")
        if logo_file:
            try:
                self.checked_logo = check_logo(logo_file)
            except ValidationError as error:
                self.add_error("logo_file", error)
        return cleaned
