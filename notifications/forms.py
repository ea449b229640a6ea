from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Frequency, Kind


class PreferencesForm(forms.Form):
    """One choice per kind: at once, in a daily or weekly overview, or no mail."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Frequency.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Kies hoe je deze meldingen wilt krijgen.")},
            )
