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

        from municipalities import pagecache
        from reports.models import ReportJob

        # A job's request, completion, failure and publication change the dashboard panel, the
        # cycle's checklist and the portfolio's alerts. The worker's progress ticks (and the
        # task id and lease it records, renewed by its heartbeat) change none of the cached
        # pages: they retire nothing.
        pagecache.register(
            ReportJob,
            scope=pagecache.TENANT,
            quiet_fields=[
                "progress",
                "progress_label",
                "task_id",
                "lease_owner",
                "lease_expires_at",
            ],
        )
