from django.contrib import admin

from schools.models import School, SchoolBoard


@admin.register(SchoolBoard)
class SchoolBoardAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["number", "name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["vestigingscode", "name", "sector", "municipality", "is_active"]
    list_filter = ["sector", "is_active"]
    search_fields = ["vestigingscode", "name", "municipality__name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality", "board"]
