from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Reminders, in-app notifications (the bell), digests and each user's mail preferences.

    Sits directly under npo_platform: it reads the portfolio, close-out, cycles and analyses to
    find what is due, and nothing imports it. The header's bell loads its count with its own
    request (htmx), so no cached page reads a notification and none is retired by one."""

    name = "notifications"
    verbose_name = _("Meldingen")

    def ready(self):
        from analyses.signals import analysis_mail
        from notifications import services

        analysis_mail.connect(
            services.analysis_mail_received, dispatch_uid="notifications.analysis_mail"
        )
