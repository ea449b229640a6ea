from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import ReportJob


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort rapportage"), choices=ReportJob.Kind.choices)
