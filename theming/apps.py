from django.apps import AppConfig
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
