from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Gemeenten en gebruikers")

    def ready(self) -> None:
        # Every app's models are loaded by now, so models added later by other apps are found.
        from municipalities import audit

        audit.register_tenant_models()
