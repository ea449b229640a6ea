from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ThemingConfig(AppConfig):
    name = "theming"
    verbose_name = _("Huisstijl")

    def ready(self) -> None:
        from municipalities import pagecache
        from theming.models import MunicipalityTheme

        # Every page of the municipality shows its house style (and soon its logo and name
        # form): a theme change retires that municipality's cached pages.
        pagecache.register(MunicipalityTheme, scope=pagecache.TENANT)
        # The copy of the theme kept for the pages' header (theming.selectors.theme_cached).
        post_save.connect(_theme_written, sender=MunicipalityTheme, dispatch_uid="theming.kept")
        post_delete.connect(_theme_written, sender=MunicipalityTheme, dispatch_uid="theming.kept")


def _theme_written(sender, instance, **kwargs) -> None:
    from theming.selectors import theme_changed

    theme_changed(municipality_id=instance.municipality_id)
