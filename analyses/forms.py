"""Forms for school analyses. Thin: the rules live in the services and in uploads/intake."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from analyses.intake import MAX_TEXT
from analyses.models import (
    ATTACHMENT_UPLOAD,
    DOMAIN_FIELDS,
    AnalysisStatus,
    Delay,
    SchoolAnalysis,
)
from analyses.selectors import MISSING, NOT_RECEIVED, menukaart_interventions
from core.money import DutchMoneyField
from core.npo import SpendingCategory
from core.uploads import check_upload
from municipalities.versions import VersionedFormMixin
from schools.models import Intervention, School


class InterventionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Intervention) -> str:
        return f"{obj.area}. {obj.name}"


class AnalysisForm(forms.Form):
    """The school's answers. Everything is optional while it is a draft; submitting checks that
    every domain is filled in."""

    interventions = InterventionChoiceField(
        queryset=Intervention.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Gekozen interventies van de NPO-menukaart"),
    )
    own_budget = DutchMoneyField(
        label=_("Eigen NPO-budget van de school (€)"),
        required=False,
        help_text=_("Optioneel. Bijvoorbeeld 45.000 of 45000,00."),
    )

    def __init__(self, *args, analysis: SchoolAnalysis | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if analysis is not None and analysis.pk:
            for _domain, delay, share in DOMAIN_FIELDS:
                initial.setdefault(delay, getattr(analysis, delay))
                initial.setdefault(share, getattr(analysis, share))
            initial.setdefault("interventions", list(analysis.interventions.all()))
            initial.setdefault("own_budget", analysis.own_budget)
            for need in analysis.needs.all():
                initial.setdefault(f"need_{need.category}", True)
                initial.setdefault(f"need_{need.category}_text", need.explanation)
        super().__init__(*args, initial=initial, **kwargs)
        self.domain_rows = []
        for domain, delay, share in DOMAIN_FIELDS:
            self.fields[delay] = forms.ChoiceField(
                label=format_lazy(_("{domain}: vertraging"), domain=domain.label),
                choices=Delay.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[share] = forms.IntegerField(
                label=format_lazy(
                    _("{domain}: aandeel getroffen leerlingen (%)"), domain=domain.label
                ),
                required=False,
                min_value=0,
                max_value=100,
                error_messages={
                    "min_value": _("Vul een percentage van 0 tot en met 100 in."),
                    "max_value": _("Vul een percentage van 0 tot en met 100 in."),
                    "invalid": _("Vul een heel getal in, bijvoorbeeld 25."),
                },
            )
        self.need_rows = []
        for category in SpendingCategory:
            self.fields[f"need_{category.value}"] = forms.BooleanField(
                label=category.label, required=False
            )
            self.fields[f"need_{category.value}_text"] = forms.CharField(
                label=_("Toelichting: wat is er nodig?"),
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        chosen = analysis.interventions.all() if analysis is not None and analysis.pk else None
        queryset = menukaart_interventions()
        if chosen is not None:
            queryset = Intervention.objects.filter(
                pk__in=list(queryset.values_list("pk", flat=True))
                + list(chosen.values_list("pk", flat=True))
            ).order_by("area", "name")
        self.fields["interventions"].queryset = queryset
        # Bound-field groups for the template: one fieldset per domain and per need.
        self.domain_rows = [
            {"domain": d, "delay": self[delay], "share": self[share]}
            for d, delay, share in DOMAIN_FIELDS
        ]
        self.need_rows = [
            {
                "category": c,
                "checkbox": self[f"need_{c.value}"],
                "text": self[f"need_{c.value}_text"],
            }
            for c in SpendingCategory
        ]

    def clean(self):
        cleaned = super().clean()
        for category in SpendingCategory:
            checked = cleaned.get(f"need_{category.value}")
            text = (cleaned.get(f"need_{category.value}_text") or "").strip()
            if checked and not text:
                self.add_error(
                    f"need_{category.value}_text",
                    _("Licht toe wat de school op dit bestedingsdoel nodig heeft."),
                )
            elif text and not checked:
                self.add_error(
                    f"need_{category.value}_text",
                    _("Vink dit bestedingsdoel aan, of maak de toelichting leeg."),
                )
        return cleaned

    def values(self) -> dict:
        result = {}
        for _domain, delay, share in DOMAIN_FIELDS:
            result[delay] = self.cleaned_data.get(delay) or ""
            result[share] = self.cleaned_data.get(share)
        return result

    def needs(self) -> dict[str, str]:
        return {
            c.value: self.cleaned_data[f"need_{c.value}_text"].strip()
            for c in SpendingCategory
            if self.cleaned_data.get(f"need_{c.value}")
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Analysedocument toevoegen"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX) of OpenDocument (ODT), maximaal 20 MB."),
        error_messages={"empty": _("Het bestand is leeg."), "required": _("Kies een bestand.")},
        allow_empty_file=True,  # our own check gives the Dutch message
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.document_type = check_upload(upload, policy=ATTACHMENT_UPLOAD)
        return upload


class ReviewForm(VersionedFormMixin, forms.Form):
    """Accept or return an analysis, carrying the version the reviewer looked at: a review of an
    analysis that changed meanwhile (resubmitted, or reviewed by someone else) is refused."""

    DECISIONS = (("accept", _("Accepteren")), ("return", _("Terugsturen")))

    def __init__(self, *args, analysis=None, **kwargs):
        self.instance = analysis
        super().__init__(*args, **kwargs)

    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Opmerking voor de school"),
        help_text=_(
            "Verplicht bij terugsturen: wat moet de school aanpassen? Bij accepteren gaat je "
            "opmerking mee in het bericht aan de school en blijft ze bij de analyse staan."
        ),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReplyForm(forms.Form):
    """The school's answer to the municipality's remark."""

    text = forms.CharField(
        label=_("Je reactie"),
        help_text=_("De gemeente krijgt je reactie per e-mail; ze blijft bij de analyse staan."),
        max_length=MAX_TEXT,
        error_messages={"required": _("Schrijf je reactie op de opmerking van de gemeente.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IntakeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ingevuld sjabloon (XLSX)"),
        help_text=_("Het sjabloon van deze gemeente, ingevuld. Maximaal 10 MB."),
        error_messages={"required": _("Kies een bestand.")},
        allow_empty_file=True,
    )


class OverviewFilterForm(forms.Form):
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("Alle sectoren")), *School.Sector.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Alle statussen")),
            (NOT_RECEIVED, _("Nog niet ontvangen")),
            (MISSING, _("Niet begonnen")),
            *AnalysisStatus.choices,
        ],
    )
