from django import forms
from django.utils.translation import gettext_lazy as _

from closeout.selectors import closeout_status_choices
from cycles.models import Phase
from portfolio.selectors import ALERT_ANY, ALERT_CHOICES, SORT_KEYS

SORT_CHOICES = [(key, key) for key in SORT_KEYS] + [(f"-{key}", f"-{key}") for key in SORT_KEYS]


class PortfolioFilterForm(forms.Form):
    """GET form: works as a plain form without JavaScript, and drives the htmx table."""

    alert = forms.ChoiceField(
        label=_("Signaal"),
        required=False,
        choices=[("", _("Alle gemeenten")), (ALERT_ANY, _("Met een signaal")), *ALERT_CHOICES],
    )
    phase = forms.ChoiceField(
        label=_("Fase"),
        required=False,
        choices=[
            ("", _("Alle fasen")),
            *[(p.value, p.label) for p in Phase if p != Phase.AFGEROND],
        ],
    )
    # "status": the NPO final accounting's status (concept, definitief, ...).
    status = forms.ChoiceField(
        label=_("Eindverantwoording"),
        required=False,
        choices=[("", _("Alle statussen")), *closeout_status_choices()],
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def filters(self) -> dict:
        """The cleaned filters; invalid values fall back to "no filter" rather than an error."""
        if not self.is_valid():
            return {"alert": "", "phase": "", "status": "", "sort": "name"}
        data = self.cleaned_data
        return {
            "alert": data["alert"],
            "phase": data["phase"],
            "status": data["status"],
            "sort": data["sort"] or "name",
        }
