from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Inloggen en beveiliging")

    def ready(self) -> None:
        from django.conf import settings

        from accounts import sessions, signals, sso  # noqa: F401 - connect the receivers
        from accounts.models import emails_languages
        from core.mail import register_language_lookup
        from municipalities.models import Role

        unknown = set(settings.TWO_FACTOR_REQUIRED_ROLES) - set(Role.values)
        if unknown:
            raise ImproperlyConfigured(
                f"TWO_FACTOR_REQUIRED_ROLES names unknown roles: {', '.join(sorted(unknown))}; "
                f"known roles are {', '.join(Role.values)}."
            )
        # Mails are written in the recipient's language (core.mail.recipient_languages).
        register_language_lookup(emails_languages)
