from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Gemeentefoto and plan reports, built in the background. The top layer: reads every app."""

    name = "reports"
    verbose_name = _("Rapportages")

    def ready(self) -> None:
        # Contribute the Data-phase checklist item to the cycles gate registry (if it exists).
        from reports import gates, tasks  # noqa: F401 - registers the Celery tasks in every process

        gates.register()
