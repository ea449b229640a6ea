"""Forms. Amounts use DutchMoneyField: Dutch input in, Decimal with two decimals out."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from budgets.models import (
    LETTER_UPLOAD,
    Allocation,
    Beschikking,
    Commitment,
    FundingStream,
    Spending,
    SpendingGoal,
    period_error,
)
from budgets.periods import period_parse
from budgets.streams import CATEGORY_GROUPS, category_label, stream_categories
from core.money import DutchMoneyField
from core.npo import SPENDING_SUBOPTION_CHOICES
from core.uploads import check_upload
from cycles.models import Activity, Cycle, Goal
from municipalities.models import FormerMunicipality
from municipalities.versions import VersionedFormMixin
from schools.models import PartnerOrganisation


class StreamChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("— kies een geldstroom —"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: FundingStream) -> str:
        return obj.name


def _clean_letter(form):
    letter = form.cleaned_data.get("letter")
    if not letter or not hasattr(letter, "content_type"):
        return letter  # unchanged or cleared
    check_upload(letter, policy=LETTER_UPLOAD)
    return letter


class BeschikkingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Beschikking) -> str:
        parts = [obj.get_kind_display(), obj.stream.name, date_format(obj.date, "j N Y")]
        if obj.reference:
            parts.append(obj.reference)
        return " – ".join(parts)


class AllocationForm(VersionedFormMixin, forms.ModelForm):
    stream = StreamChoiceField(
        label=_("Geldstroom"), queryset=FundingStream.objects.filter(is_active=True)
    )
    amount = DutchMoneyField(label=_("Bedrag"))
    beschikking = BeschikkingChoiceField(
        label=_("Beschikking"),
        queryset=Beschikking.objects.none(),
        required=False,
        empty_label=_("— geen —"),
        help_text=_(
            "De beschikking waaruit dit bedrag komt (zie Beschikkingen). Dezelfde geldstroom."
        ),
    )

    class Meta:
        model = Allocation
        fields = [
            "stream",
            "period",
            "amount",
            "beschikking",
            "reference",
            "letter",
            "is_estimate",
            "estimate_basis",
            "note",
        ]
        widgets = {
            "letter": forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
            "estimate_basis": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beschikking"].queryset = Beschikking.objects.for_municipality(
            self.instance.municipality_id
        ).select_related("stream")

    def clean_letter(self):
        return _clean_letter(self)


class BeschikkingForm(VersionedFormMixin, forms.ModelForm):
    """A decision letter. Only a vaststelling has a final amount and a reclaim."""

    stream = StreamChoiceField(label=_("Geldstroom"), queryset=FundingStream.objects.all())
    amount = DutchMoneyField(
        label=_("Bedrag"),
        help_text=_(
            "Het totaal dat de beschikking toekent, in euro (bijvoorbeeld 1.234,56). Bij een "
            "wijziging het nieuwe totaal, bij een vaststelling het eerder verleende bedrag."
        ),
    )
    final_amount = DutchMoneyField(
        label=_("Vastgesteld bedrag"),
        required=False,
        help_text=_("Alleen bij een vaststelling: het bedrag dat de minister vaststelt."),
    )
    reclaim_amount = DutchMoneyField(
        label=_("Terugvordering"),
        required=False,
        help_text=_(
            "Alleen bij een vaststelling: het bedrag dat wordt teruggevorderd, als dat er is."
        ),
    )
    recipient_former = forms.ModelChoiceField(
        label=_("Gericht aan"),
        queryset=FormerMunicipality.objects.none(),
        required=False,
        empty_label=_("de gemeente zelf"),
        help_text=_(
            "Na een herindeling zijn beschikkingen soms gericht aan een voormalige gemeente."
        ),
    )

    class Meta:
        model = Beschikking
        fields = [
            "stream",
            "kind",
            "date",
            "reference",
            "recipient_former",
            "amount",
            "final_amount",
            "reclaim_amount",
            "letter",
            "note",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "letter": forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.municipality_id is None:
            self.instance.municipality = municipality
        predecessors = FormerMunicipality.objects.filter(successor=municipality)
        self.fields["recipient_former"].queryset = predecessors
        self.fields["kind"].help_text = _(
            "Een vaststelling sluit de geldstroom af voor deze gemeente: verplichtingen en "
            "bestedingen ervan kun je daarna niet meer wijzigen."
        )

    def clean_letter(self):
        return _clean_letter(self)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Geef een reden om de geldstroom te heropenen.")},
        help_text=_("Komt in het activiteitenlog, met je naam en de datum."),
    )


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} ({obj.cycle.title})"


class SpendingGoalForm(VersionedFormMixin, forms.ModelForm):
    suboption = forms.ChoiceField(
        label=_("Onderdeel"),
        required=False,
        choices=[("", _("— geen —")), *SPENDING_SUBOPTION_CHOICES],
        help_text=_("Kies een onderdeel dat bij de categorie hoort."),
    )

    class Meta:
        model = SpendingGoal
        fields = ["cycle", "category", "suboption", "title", "description", "goals"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"goals": GoalChoiceField}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        if self.instance.municipality_id is None:
            self.instance.municipality = municipality
        cycles = Cycle.objects.for_municipality(municipality)
        self.fields["cycle"].queryset = cycles
        self.fields["cycle"].empty_label = None
        if not self.instance.pk and (current := cycles.open().first()):
            self.fields["cycle"].initial = current.pk
        self.fields["goals"].queryset = Goal.objects.for_municipality(municipality).select_related(
            "cycle"
        )
        self.fields["goals"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["goals"].choices
        )
        self.fields["goals"].required = False
        self.fields["category"].help_text = _(
            "De categorieën staan per geldstroom. Plan je geld uit het NPO, GOAB/OAB of School en "
            "Omgeving, kies dan een categorie van die geldstroom."
        )

    def clean(self):
        cleaned = super().clean()
        cycle, goals = cleaned.get("cycle"), cleaned.get("goals")
        if cycle and goals and any(goal.cycle_id != cycle.pk for goal in goals):
            self.add_error("goals", _("Kies alleen doelen uit de gekozen cyclus."))
        category = cleaned.get("category")
        if category and (message := category_error(category, self._planned_streams())):
            self.add_error("category", message)
        return cleaned

    def _planned_streams(self) -> list[FundingStream]:
        """The streams of the planned amounts posted with this form (the edit page posts both;
        rows the formset itself rejects are its own error to show)."""
        if not self.is_bound or f"{PLANNED_PREFIX}-TOTAL_FORMS" not in self.data:
            return []
        formset = PlannedAmountFormSet(self.data, prefix=PLANNED_PREFIX)
        if not formset.is_valid():
            return []
        return [stream for stream, _period, _amount in formset.planned_rows()]


def category_error(category: str, streams) -> str | None:
    """A Dutch message when a spending goal of ``category`` may not plan money from ``streams``:
    a stream with its own categories (budgets.streams) needs one of them. None when it fits."""
    own = {}
    for stream in streams:
        if (codes := stream_categories(stream.code)) is not None:
            own.setdefault(stream.code, (stream, codes))
    if len(own) > 1:
        names = sorted(stream.name for stream, _codes in own.values())
        return _(
            "Je plant geld uit %(streams)s. Die geldstromen hebben elk hun eigen categorieën: "
            "maak per geldstroom een apart bestedingsdoel."
        ) % {"streams": ", ".join(names)}
    for code, (stream, codes) in own.items():
        if category not in codes:
            group = dict(CATEGORY_GROUPS).get(code, stream.name)
            return _(
                "Je plant geld uit %(stream)s; „%(category)s” is geen categorie van die "
                "geldstroom. Kies een categorie onder „%(group)s”."
            ) % {"stream": stream.name, "category": category_label(category), "group": group}
    return None


class PlannedAmountForm(forms.Form):
    stream = StreamChoiceField(
        label=_("Geldstroom"), queryset=FundingStream.objects.filter(is_active=True)
    )
    period = forms.CharField(
        label=_("Periode"), max_length=9, help_text=_("2023-2024 of 2024, zoals bij de geldstroom.")
    )
    amount = DutchMoneyField(label=_("Gepland bedrag"), help_text="")

    def clean_period(self):
        label = self.cleaned_data["period"].strip()
        period_parse(label)
        return label

    def clean(self):
        cleaned = super().clean()
        stream = cleaned.get("stream")
        if stream and (message := period_error(stream, cleaned.get("period"))):
            self.add_error("period", message)
        return cleaned


class BasePlannedAmountFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            key = (form.cleaned_data.get("stream"), form.cleaned_data.get("period"))
            if key in seen:
                raise ValidationError(
                    _("Dezelfde geldstroom en periode staan twee keer in de planning.")
                )
            seen.add(key)

    def planned_rows(self):
        return [
            (f.cleaned_data["stream"], f.cleaned_data["period"], f.cleaned_data["amount"])
            for f in self.forms
            if f.has_changed() and not self._should_delete_form(f)
        ]


PlannedAmountFormSet = forms.formset_factory(
    PlannedAmountForm, formset=BasePlannedAmountFormSet, extra=2, can_delete=True
)
# The prefix the spending-goal page gives the planned amounts (budgets.views).
PLANNED_PREFIX = "gepland"


class TransactionForm(forms.ModelForm):
    stream = StreamChoiceField(
        label=_("Geldstroom"), queryset=FundingStream.objects.filter(is_active=True)
    )
    amount = DutchMoneyField(label=_("Bedrag"))

    class Meta:
        fields = [
            "date",
            "performance_date",
            "amount",
            "stream",
            "spending_goal",
            "partner",
            "activity",
            "description",
            "reference",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "performance_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"date": _("Boekdatum")}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["performance_date"].help_text = _(
            "De datum waar de kosten bij horen (de levering of het werk); die telt voor de "
            "bestedingstermijn. Laat leeg als dat de boekdatum is."
        )
        if self.instance.municipality_id is None:
            self.instance.municipality = municipality
        self.fields["spending_goal"].queryset = SpendingGoal.objects.for_municipality(municipality)
        self.fields["partner"].queryset = PartnerOrganisation.objects.for_municipality(municipality)
        self.fields["partner"].required = False
        self.fields["activity"].queryset = Activity.objects.for_municipality(
            municipality
        ).select_related("goal")
        self.fields["activity"].required = False


class CommitmentForm(TransactionForm):
    class Meta(TransactionForm.Meta):
        model = Commitment


class SpendingForm(TransactionForm):
    amount = DutchMoneyField(
        label=_("Bedrag"),
        allow_negative=True,
        help_text=_("In euro, bijvoorbeeld 1.234,56. Een creditnota voer je negatief in."),
    )

    class Meta(TransactionForm.Meta):
        model = Spending
