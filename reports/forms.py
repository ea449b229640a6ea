from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from reports.models import ReportJob


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort rapportage"),
        choices=[
            (ReportJob.Kind.GEMEENTEFOTO, ReportJob.Kind.GEMEENTEFOTO.label),
            (ReportJob.Kind.PLAN, ReportJob.Kind.PLAN.label),
        ],
    )
    # The close-out kinds are requested per funding stream from the final accounting workspace.


class CloseoutOutputForm(forms.Form):
    """Which close-out output to build; ``back`` is the page to return to (a local path only)."""

    kind = forms.ChoiceField(
        choices=[
            (ReportJob.Kind.SISA, ReportJob.Kind.SISA.label),
            (ReportJob.Kind.FINAL_ACCOUNTING, ReportJob.Kind.FINAL_ACCOUNTING.label),
        ]
    )
    back = forms.CharField(required=False, max_length=500)

    def clean_back(self) -> str:
        back = self.cleaned_data["back"]
        # Only a path on this site (no scheme, no host, no "//evil"): never an open redirect.
        if back and back.startswith("/") and url_has_allowed_host_and_scheme(back, None):
            return back
        return ""
