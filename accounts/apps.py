from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Inloggen en beveiliging")

    def ready(self) -> None:
        from django.conf import settings

        from accounts import sessions, signals, sso  # noqa: F401 - connect the receivers
        from municipalities.models import Role

        unknown = set(settings.TWO_FACTOR_REQUIRED_ROLES) - set(Role.values)
        if unknown:
            raise ImproperlyConfigured(
                f"TWO_FACTOR_REQUIRED_ROLES names unknown roles: {', '.join(sorted(unknown))}; "
                f"known roles are {', '.join(Role.values)}."
            )
