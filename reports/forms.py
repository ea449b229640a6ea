from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from municipalities.forms import AdvisedMunicipalitiesForm
from reports import gates
from reports.models import ReportJob


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort rapportage"),
        choices=[
            (ReportJob.Kind.GEMEENTEFOTO, ReportJob.Kind.GEMEENTEFOTO.label),
            (ReportJob.Kind.PLAN, ReportJob.Kind.PLAN.label),
        ],
    )
    # The close-out kinds are requested per funding stream from the final accounting workspace;
    # the council evaluation with its own form (CouncilRequestForm).


# What the requester may add to a council evaluation (stored in ``ReportJob.options``).
COUNCIL_OPTIONS = ("kenmerk", "burgemeester", "secretaris")


class CouncilRequestForm(forms.Form):
    """The council evaluation (raadsinformatiebrief) of one evaluated or closed cycle, with the
    letter's optional kenmerk and the names under the signature. A cycle whose goals do not all
    have an outcome is refused with the gate's reason (nothing is queued)."""

    cycle = forms.ModelChoiceField(
        label=_("Cyclus"),
        queryset=None,
        empty_label=None,
        error_messages={
            "invalid_choice": _("Kies een cyclus in de fase Evaluatie of Afgerond."),
            "required": _("Kies een cyclus in de fase Evaluatie of Afgerond."),
        },
    )
    kenmerk = forms.CharField(label=_("Kenmerk van de brief"), max_length=60, required=False)
    burgemeester = forms.CharField(
        label=_("Naam van de burgemeester"),
        max_length=120,
        required=False,
        help_text=_("Leeg: de brief krijgt een lege regel om te ondertekenen."),
    )
    secretaris = forms.CharField(
        label=_("Naam van de secretaris"),
        max_length=120,
        required=False,
        help_text=_("Leeg: de brief krijgt een lege regel om te ondertekenen."),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = gates.council_cycles(municipality=municipality)

    def clean_cycle(self):
        cycle = self.cleaned_data["cycle"]
        reason = gates.council_block_reason(cycle=cycle)
        if reason:
            raise forms.ValidationError(reason, code="blocked")
        return cycle

    def options(self) -> dict:
        """The non-empty choices, as stored in the job's ``options``."""
        return {key: self.cleaned_data[key] for key in COUNCIL_OPTIONS if self.cleaned_data[key]}


class BulkRequestForm(AdvisedMunicipalitiesForm):
    """The advisor's bulk request: which report, for which of their municipalities."""

    kind = forms.ChoiceField(
        label=_("Soort rapportage"),
        choices=[
            (ReportJob.Kind.GEMEENTEFOTO, ReportJob.Kind.GEMEENTEFOTO.label),
            (ReportJob.Kind.COUNCIL, ReportJob.Kind.COUNCIL.label),
        ],
        required=False,
    )

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or ReportJob.Kind.GEMEENTEFOTO


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
