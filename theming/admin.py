from django.contrib import admin

from theming.forms import MunicipalityThemeForm
from theming.models import MunicipalityTheme
from theming.services import theme_save


@admin.register(MunicipalityTheme)
class MunicipalityThemeAdmin(admin.ModelAdmin):
    form = MunicipalityThemeForm
    list_display = ["municipality", "token_set", "name_form", "logo_kind", "updated_at"]
    list_filter = ["token_set"]
    search_fields = ["municipality__name", "name_form"]
    autocomplete_fields = ["municipality"]
    readonly_fields = ["token_css", "logo", "logo_kind"]
    fields = [
        "municipality",
        "name_form",
        "token_set",
        "token_file",
        "token_css",
        "logo",
        "logo_kind",
        "logo_file",
        "remove_logo",
    ]

    def get_readonly_fields(self, request, obj=None):
        # One theme per municipality: once made, it stays with its municipality.
        return [*self.readonly_fields, "municipality"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        theme_save(
            theme=obj, logo=form.checked_logo, remove_logo=form.cleaned_data.get("remove_logo")
        )
