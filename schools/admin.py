from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from schools.importers.base import ReferenceDataError
from schools.importers.loader import DATASETS, STEPS, reference_data_load
from schools.models import (
    Intervention,
    PartnerOrganisation,
    PupilCount,
    ReferenceImport,
    School,
    SchoolBoard,
    SchoolWeight,
)

# DUO's data is the source of truth: staff load files, nobody edits these fields by hand.
DUO_FIELDS = [
    "vestigingscode",
    "brin",
    "name",
    "sector",
    "onderwijsstructuur",
    "denomination",
    "board",
    "street",
    "postcode",
    "city",
    "municipality",
    "is_active",
]


class ReferenceLoadForm(forms.Form):
    only = forms.MultipleChoiceField(
        label=_("Gegevenssets"),
        required=False,
        choices=[(step.dataset, step.label) for step in STEPS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Niets aangevinkt: alles."),
    )
    force = forms.BooleanField(
        label=_("Ook vergelijken als de bestanden niet veranderd zijn"), required=False
    )


@admin.register(SchoolBoard)
class SchoolBoardAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["number", "name"]


class PupilCountInline(admin.TabularInline):
    model = PupilCount
    fields = ["year", "count", "suppressed"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-year"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["vestigingscode", "name", "sector", "municipality", "is_active"]
    list_filter = ["sector", "is_active"]
    search_fields = ["vestigingscode", "name", "municipality__name"]
    list_select_related = ["municipality"]
    readonly_fields = DUO_FIELDS
    fields = [*DUO_FIELDS, "local_note"]
    inlines = [PupilCountInline]
    change_list_template = "admin/schools/school/change_list.html"

    def has_add_permission(self, request):
        return False  # schools come from DUO's files only

    def has_delete_permission(self, request, obj=None):
        return False  # vanished locations become inactive; their history stays

    def get_urls(self):
        return [
            path(
                "referentiegegevens/",
                self.admin_site.admin_view(self.reference_load_view),
                name="schools_reference_load",
            ),
            *super().get_urls(),
        ]

    def reference_load_view(self, request):
        """Staff start the same import as `manage.py load_reference_data` on the shipped files."""
        if not request.user.is_superuser and not request.user.has_perm("schools.change_school"):
            raise PermissionDenied
        form = ReferenceLoadForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                summaries = reference_data_load(
                    only=form.cleaned_data["only"] or None, force=form.cleaned_data["force"]
                )
            except ReferenceDataError as exc:
                messages.error(request, _("Niets gewijzigd. %(error)s") % {"error": exc})
            else:
                for summary in summaries:
                    messages.success(request, summary.line())
                return redirect(reverse("admin:schools_reference_load"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Referentiegegevens laden"),
            "form": form,
            "imports": ReferenceImport.objects.filter(dataset__in=DATASETS),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/schools/reference_load.html", context)


@admin.register(SchoolWeight)
class SchoolWeightAdmin(admin.ModelAdmin):
    list_display = ["school", "school_year", "weight", "pupils", "spread"]
    list_filter = ["school_year"]
    search_fields = ["school__vestigingscode", "school__name"]
    list_select_related = ["school"]
    readonly_fields = ["school", "school_year", "weight", "pupils", "spread"]

    def has_add_permission(self, request):
        return False


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "municipality__name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality", "schools"]


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "version", "effect_months", "evidence", "cost"]
    list_filter = ["version", "area"]
    search_fields = ["name"]


@admin.register(ReferenceImport)
class ReferenceImportAdmin(admin.ModelAdmin):
    list_display = ["dataset", "file_name", "loaded_at"]
    readonly_fields = ["dataset", "file_name", "sha256", "loaded_at", "summary"]

    def has_add_permission(self, request):
        return False
