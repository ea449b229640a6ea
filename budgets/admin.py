from django.contrib import admin

from budgets.models import FundingStream


@admin.register(FundingStream)
class FundingStreamAdmin(admin.ModelAdmin):
    """Funding streams are platform-wide; staff keep their windows and notes current here."""

    list_display = [
        "name",
        "code",
        "period_kind",
        "window_start",
        "window_end",
        "is_sisa",
        "money_per_period",
        "is_active",
        "sort_order",
    ]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["period_kind", "is_sisa", "money_per_period", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
