from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import CheckboxPicker
from municipalities.models import Municipality
from schools.models import PartnerOrganisation, School, SchoolBoard
from schools.selectors import SCHOOL_SORTS


class SchoolFilterForm(forms.Form):
    """The GET form above the school list; works the same with and without htmx."""

    STATUS_CHOICES = [
        ("actief", _("Actief")),
        ("inactief", _("Niet meer actief")),
        ("alle", _("Alle")),
    ]
    SORT_CHOICES = [
        ("naam", _("Naam (A–Z)")),
        ("-naam", _("Naam (Z–A)")),
        ("code", _("Vestigingscode")),
        ("sector", _("Sector")),
        ("plaats", _("Plaats")),
        ("-leerlingen", _("Meeste leerlingen")),
        ("leerlingen", _("Minste leerlingen")),
    ]

    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=100,
        help_text=_("Naam, plaats of vestigingscode"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    board = forms.ModelChoiceField(
        label=_("Schoolbestuur"),
        required=False,
        queryset=SchoolBoard.objects.none(),
        empty_label=_("Alle besturen"),
    )
    denomination = forms.ChoiceField(label=_("Denominatie"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    sort = forms.ChoiceField(label=_("Sorteren op"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("Alle sectoren")), *School.Sector.choices]
        self.fields["board"].queryset = SchoolBoard.objects.filter(
            pk__in=[b.pk for b in options["boards"]]
        )
        # The options were fetched once; reuse them instead of a second query for the widget.
        self.fields["board"].choices = [("", _("Alle besturen"))] + [
            (b.pk, b.name or b.number) for b in options["boards"]
        ]
        self.fields["denomination"].choices = [("", _("Alle denominaties"))] + [
            (d, d) for d in options["denominations"]
        ]

    def filters(self) -> dict:
        """Valid filter values; an invalid one is ignored rather than failing the page."""
        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sort") or "naam"
        return {
            "q": data.get("q", ""),
            "sector": data.get("sector", ""),
            "board": data.get("board"),
            "denomination": data.get("denomination", ""),
            "status": data.get("status") or "actief",
            "sort": sort if sort in SCHOOL_SORTS else "naam",
        }


class PartnerForm(forms.ModelForm):
    class Meta:
        model = PartnerOrganisation
        fields = ["name", "kind", "contact_name", "contact_email", "schools"]
        widgets = {"schools": CheckboxPicker(search_label=_("Zoek een school"))}
        help_texts = {"schools": _("Alleen scholen in deze gemeente.")}

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        schools = School.objects.for_municipality(municipality)
        if self.instance.pk:
            # Keep schools already linked selectable even when they have closed since.
            schools = schools.filter(is_active=True) | schools.filter(
                partner_organisations=self.instance
            )
        else:
            schools = schools.filter(is_active=True)
        self.fields["schools"].queryset = schools.distinct().order_by("name")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = PartnerOrganisation.objects.for_municipality(self.municipality).filter(
            name__iexact=name
        )
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("Er is al een partnerorganisatie met deze naam in deze gemeente.")
            )
        return name

    def clean_schools(self):
        schools = self.cleaned_data["schools"]
        # The queryset already limits the choices; this makes the rule explicit and tested.
        foreign = [s for s in schools if s.municipality_id != self.municipality.pk]
        if foreign:
            raise forms.ValidationError(_("Kies alleen scholen in deze gemeente."))
        return schools
