from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import ReportJob


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort rapportage"), choices=ReportJob.Kind.choices)


class BulkRequestForm(forms.Form):
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Gemeenten"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Kies minstens één gemeente."),
            "invalid_choice": _("U bent geen adviseur van een van de gekozen gemeenten."),
            "invalid_pk_value": _("Kies gemeenten uit de lijst."),
        },
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipalities
