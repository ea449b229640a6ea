from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The apps whose models the pages show: every write to them retires the cached pages.
PROJECT_APPS = ("municipalities", "schools", "cycles", "budgets", "reports", "portfolio")


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Gemeenten en gebruikers")

    def ready(self) -> None:
        # Every app's models are loaded by now, so models added later by other apps are found.
        from municipalities import audit

        audit.register_tenant_models()

        from municipalities import pagecache

        pagecache.connect_signals(PROJECT_APPS)
