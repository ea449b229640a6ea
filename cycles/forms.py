"""Forms for the 4D cycle. Choices of schools, partners, sessions and findings are limited to the
municipality (and cycle) in the URL; a posted id from elsewhere is an invalid choice."""

from django import forms
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from core.uploads import check_upload
from core.widgets import CheckboxPicker
from cycles.models import (
    SESSION_ATTACHMENT_UPLOAD,
    Activity,
    ActivityStatus,
    Cycle,
    Finding,
    Goal,
    GoalOutcome,
    Phase,
    ProgressUpdate,
    StakeholderSession,
)
from municipalities.versions import VersionedFormMixin
from schools.models import Intervention, PartnerOrganisation, School

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CycleForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["title", "start_date", "end_date"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}
        help_texts = {"title": _("Bijvoorbeeld: 4D-cyclus schooljaar 2024-2025.")}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("De einddatum ligt voor de begindatum."))
        return data


class WaiverForm(forms.Form):
    waived = forms.BooleanField(
        label=_("Schoolanalyses zijn voor deze cyclus niet nodig"), required=False
    )
    reason = forms.CharField(
        label=_("Reden"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht als je afziet van schoolanalyses."),
    )
    analyses_due = forms.DateField(
        label=_("Inleverdatum schoolanalyses"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_(
            "Scholen krijgen 14 en 3 dagen ervoor een herinnering, en na de datum wekelijks "
            "tot hun analyse binnen is."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("waived") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Geef een reden waarom schoolanalyses niet nodig zijn."))
        return data


class PhaseMoveForm(forms.Form):
    """A phase move names the phase it starts from: a second click on a stale page (or ten
    parallel clicks) finds the cycle already moved and changes nothing."""

    from_phase = forms.ChoiceField(choices=Phase.choices, widget=forms.HiddenInput)


class AdvanceForm(PhaseMoveForm):
    note = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class GoBackForm(PhaseMoveForm):
    reason = forms.CharField(
        label=_("Reden om terug te gaan"), widget=forms.Textarea(attrs={"rows": 2})
    )


class TenantChoicesMixin:
    """Limit school and partner choices to the municipality."""

    def limit_choices(self, municipality):
        if "schools" in self.fields:
            self.fields["schools"].queryset = (
                School.objects.for_municipality(municipality).active().order_by("name")
            )
        for name in ("partners", "responsible_partners", "executing_partner"):
            if name in self.fields:
                self.fields[name].queryset = (
                    PartnerOrganisation.objects.for_municipality(municipality)
                    .active()
                    .order_by("name")
                )


class SessionForm(TenantChoicesMixin, forms.ModelForm):
    class Meta:
        model = StakeholderSession
        fields = [
            "date",
            "title",
            "partners",
            "schools",
            "other_participants",
            "minutes",
            "decisions",
        ]
        widgets = {
            "date": DATE_WIDGET,
            "partners": CheckboxPicker(search_label=_("Zoek een partner")),
            "schools": CheckboxPicker(search_label=_("Zoek een school")),
            "other_participants": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices(cycle.municipality)


class AttachmentForm(forms.Form):
    """A document of a stakeholder session. Its kind is read from the content by the platform's
    one upload check (core.uploads): a renamed program or web page is refused, whatever its name."""

    file = forms.FileField(
        label=_("Bijlage"), help_text=_("PDF, Office-document of afbeelding, max. 10 MB.")
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        check_upload(f, policy=SESSION_ATTACHMENT_UPLOAD)
        return f


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["theme", "domain", "target_group", "evidence", "priority", "sessions"]
        widgets = {
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "sessions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = StakeholderSession.objects.filter(
            cycle=cycle, municipality=cycle.municipality
        ).order_by("date", "pk")


class InterventionChoiceField(forms.ModelMultipleChoiceField):
    """Each menukaart choice shows its effect, evidence and cost next to the name; a rating the
    menukaart does not give reads "niet beoordeeld", never 0."""

    def label_from_instance(self, obj: Intervention) -> str:
        return f"{obj.area}. {obj.name} — {obj.rating_line()}"


def menukaart_interventions():
    """The newest version of the shipped menukaart (older versions stay for existing goals)."""
    newest = Intervention.objects.aggregate(v=Max("version"))["v"]
    return Intervention.objects.filter(version=newest).order_by("area", "name")


class GoalForm(VersionedFormMixin, TenantChoicesMixin, forms.ModelForm):
    interventions = InterventionChoiceField(
        queryset=Intervention.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Interventies van de NPO-menukaart"),
        help_text=_(
            "Effect in maanden extra vooruitgang, bewijskracht (0–5) en kosten (1–5) volgens de "
            "NPO-menukaart; “niet beoordeeld” waar de menukaart geen waarde geeft. Data derived "
            "from the EEF Teaching and Learning Toolkit, Education Endowment Foundation."
        ),
    )
    reason = forms.CharField(
        label=_("Reden van de bijstelling"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Dit doel ligt vast sinds de fase Doen; een wijziging wordt vastgelegd als bijstelling."
        ),
    )

    class Meta:
        model = Goal
        fields = [
            "title",
            "description",
            "findings",
            "target_group",
            "indicator",
            "baseline",
            "target_value",
            "unit",
            "deadline",
            "spending_category",
            "interventions",
            "responsible_partners",
            "schools",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.CheckboxSelectMultiple,
            "deadline": DATE_WIDGET,
            "responsible_partners": CheckboxPicker(search_label=_("Zoek een partner")),
            "schools": CheckboxPicker(search_label=_("Zoek een school")),
        }

    def __init__(self, *args, cycle: Cycle, fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices(cycle.municipality)
        self.fields["findings"].queryset = Finding.objects.filter(
            cycle=cycle, municipality=cycle.municipality
        )
        interventions = menukaart_interventions()
        if self.instance.pk:
            # Keep interventions of an older menukaart version that this goal already uses.
            interventions = interventions | Intervention.objects.filter(
                pk__in=self.instance.interventions.values("pk")
            )
        self.fields["interventions"].queryset = interventions.order_by("area", "name")
        if not fixed:
            del self.fields["reason"]


class ActivityForm(VersionedFormMixin, TenantChoicesMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "description",
            "executing_partner",
            "schools",
            "start_date",
            "end_date",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "schools": CheckboxPicker(search_label=_("Zoek een school")),
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
        }

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices(cycle.municipality)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("De einddatum ligt voor de begindatum."))
        return data


class ProgressForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["date", "narrative", "measured_value", "status"]
        widgets = {"date": DATE_WIDGET, "narrative": forms.Textarea(attrs={"rows": 2})}
        labels = {"status": _("Status van de activiteit")}

    def __init__(self, *args, activity: Activity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = ActivityStatus.choices
        if activity is not None and not self.is_bound:
            self.initial.setdefault("status", activity.status)


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = GoalOutcome
        fields = ["result", "explanation"]
        widgets = {"result": forms.RadioSelect, "explanation": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = GoalOutcome.Result.choices  # no blank radio button


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["process_evaluation", "lessons_learned"]
        widgets = {
            "process_evaluation": forms.Textarea(attrs={"rows": 5}),
            "lessons_learned": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "process_evaluation": _("Hoe verliep de samenwerking, de planning en de uitvoering?"),
            "lessons_learned": _("Deze lessen gaan mee naar de volgende cyclus."),
        }
