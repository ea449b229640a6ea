from django.contrib import admin

from closeout.models import IndicatorText


@admin.register(IndicatorText)
class IndicatorTextAdmin(admin.ModelAdmin):
    """The SiSa indicator texts per stream and year: platform staff keep them current here."""

    list_display = ["stream", "year", "code", "sort_order"]
    list_filter = ["stream", "year"]
    search_fields = ["code", "text"]
