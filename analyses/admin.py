from django.contrib import admin

from analyses.models import AnalysisAttachment, AnalysisNeed, SchoolAnalysis


class AnalysisNeedInline(admin.TabularInline):
    model = AnalysisNeed
    extra = 0
    fields = ["category", "explanation"]


class AnalysisAttachmentInline(admin.TabularInline):
    model = AnalysisAttachment
    extra = 0
    fields = ["name", "kind", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(SchoolAnalysis)
class SchoolAnalysisAdmin(admin.ModelAdmin):
    """Read-mostly for platform staff: schools fill in and municipalities review in the app."""

    list_display = ["school", "municipality", "cycle", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "imported"]
    search_fields = ["school__name", "school__vestigingscode", "municipality__name"]
    list_select_related = ["school", "municipality", "cycle"]
    raw_id_fields = ["school", "cycle", "submitted_by", "reviewed_by"]
    filter_horizontal = ["interventions"]
    readonly_fields = [
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "created_at",
        "updated_at",
    ]
    inlines = [AnalysisNeedInline, AnalysisAttachmentInline]
