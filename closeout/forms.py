"""Forms of the final accounting. Every form carries the version of the accounting row it was
opened on (``municipalities.versions``): all inputs touch that row, so a form opened before
someone else's save is refused instead of overwriting it."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from closeout.models import Consultation, FinalAccounting
from closeout.selectors import last_moment
from closeout.services import internal_deadline_error
from core.money import DutchMoneyField
from core.params import BoundedDateField
from cycles.models import StakeholderSession
from municipalities.versions import VersionedFormMixin, version_of

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccountingVersionMixin(VersionedFormMixin):
    """The version is that of the accounting (None: not started yet, nothing to check)."""

    def __init__(self, *args, accounting: FinalAccounting | None = None, **kwargs):
        self.accounting = accounting
        super().__init__(*args, **kwargs)

    def version_initial(self) -> str:
        return version_of(self.accounting) if self.accounting is not None else ""


class YearAmountsForm(AccountingVersionMixin, forms.Form):
    """One optional amount per year (``jaar_2021``, ...); empty means: none entered."""

    def __init__(self, *args, years, initial_amounts: dict, label: str, hints=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        hints = hints or {}
        for year in self.years:
            help_text = _("In euro, bijvoorbeeld 1.234,56. Leeg: niet ingevuld.")
            if year in hints:
                help_text = f"{help_text} {hints[year]}"
            self.fields[f"jaar_{year}"] = DutchMoneyField(
                label=_("%(label)s %(year)s") % {"label": label, "year": year},
                required=False,
                allow_negative=True,
                initial=initial_amounts.get(year),
                help_text=help_text,
            )

    def amounts(self) -> dict:
        return {year: self.cleaned_data.get(f"jaar_{year}") for year in self.years}


class AccountingSettingsForm(AccountingVersionMixin, forms.Form):
    final_year = forms.TypedChoiceField(
        label=_("Jaar van de eindverantwoording"),
        coerce=int,
        help_text=_("De jaarrekening waarin je de eindverantwoording geeft (SiSa: T)."),
    )
    given_year = forms.IntegerField(
        label=_("Al gegeven in de jaarrekening over"),
        required=False,
        min_value=2021,
        max_value=2100,
        help_text=_("Alleen invullen als de eindverantwoording al is gegeven."),
    )
    given_on = BoundedDateField(label=_("Datum gegeven"), required=False, widget=DATE_WIDGET)
    given_amount = DutchMoneyField(
        label=_("Verantwoorde besteding (cumulatief)"), required=False, allow_negative=False
    )
    given_note = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    internal_deadline = BoundedDateField(
        label=_("Interne deadline"), required=False, widget=DATE_WIDGET
    )

    def __init__(self, *args, stream, **kwargs):
        super().__init__(*args, **kwargs)
        end = stream.window_end.year
        self.fields["final_year"].choices = [(end, str(end)), (end + 1, str(end + 1))]
        self.last_moment = last_moment(stream)
        self.fields["internal_deadline"].help_text = _(
            "De datum waarop de gemeente de eindverantwoording zelf klaar wil hebben, uiterlijk "
            "het laatste moment: %(date)s."
        ) % {"date": date_format(self.last_moment, "j F Y")}

    def clean_internal_deadline(self):
        deadline = self.cleaned_data.get("internal_deadline")
        if deadline is not None and deadline > self.last_moment:
            raise forms.ValidationError(internal_deadline_error(self.last_moment))
        return deadline


class ConsultationForm(AccountingVersionMixin, forms.ModelForm):
    date = BoundedDateField(label=_("Datum"), widget=DATE_WIDGET)

    class Meta:
        model = Consultation
        fields = [
            "date",
            "session",
            "participants",
            "with_school_boards",
            "with_childcare",
            "in_lea_oogo",
            "note",
        ]
        widgets = {
            "participants": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = (
            StakeholderSession.objects.for_municipality(municipality)
            .select_related("cycle")
            .order_by("-date", "pk")
        )
        self.fields["session"].label_from_instance = lambda s: (
            f"{date_format(s.date, 'j N Y')} {s.title} ({s.cycle.title})"
        )


class CheckForm(AccountingVersionMixin, forms.Form):
    """Mark as gecontroleerd: nothing to fill in but the version."""


class FinaliseForm(AccountingVersionMixin, forms.Form):
    decision_date = BoundedDateField(label=_("Datum collegebesluit"), widget=DATE_WIDGET)
    decision_reference = forms.CharField(label=_("Kenmerk collegebesluit"), max_length=100)


class ReopenForm(AccountingVersionMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reden om te heropenen"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Geef een reden om de eindverantwoording te heropenen.")},
    )
