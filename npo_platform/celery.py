"""The Celery application.

Configured from Django settings (``CELERY_*``). Without a broker, settings switch on
``task_always_eager`` so the very same tasks run in-process.
"""

import logging
import os

from celery import Celery
from celery.signals import before_task_publish, task_prerun, worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npo_platform.settings")

logger = logging.getLogger(__name__)

app = Celery("npo_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The default app in every thread (not only the importing one): runserver and the live test
# server handle requests in threads, where `shared_task` proxies would otherwise resolve to
# Celery's empty fallback app and fail with NotRegistered.
app.set_default()


@before_task_publish.connect(sender="core.heartbeat")
def heartbeat_beat_sent(**kwargs) -> None:
    """Only beat sends ``core.heartbeat``: sending it is beat's sign of life (/healthz)."""
    try:
        import django
        from django.apps import apps

        if not apps.ready:
            django.setup()
        from core.tasks import heartbeat_record

        heartbeat_record(name="beat")
    except Exception:  # noqa: BLE001 - a heartbeat must never stop beat from sending
        logger.exception("Could not record beat's heartbeat")


@task_prerun.connect
def task_connections_checked(task=None, **kwargs) -> None:
    """With ``CELERY_DB_REUSE_MAX`` a worker keeps its database connection between tasks (Celery
    then no longer closes it around each one). Each task starts like a Django request does: a
    connection past CONN_MAX_AGE or with errors is closed, and the first query of the task
    health-checks the one it keeps (CONN_HEALTH_CHECKS), so a PostgreSQL restart costs no task.
    Not for a task run in-process (eagerly, inside a request's transaction): that connection is
    the request's."""
    from django.conf import settings
    from django.db import close_old_connections, connections

    if not settings.CELERY_DB_REUSE_MAX:
        return
    if task is not None and getattr(task.request, "is_eager", False):
        return
    if any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        return
    close_old_connections()


def _reports_warm_up(where: str, *, charts: bool) -> None:
    try:
        import django
        from django.apps import apps

        if not apps.ready:
            django.setup()
        from reports.rendering import warm_up

        warm_up(charts=charts)
    except Exception:  # noqa: BLE001 - a failed warm-up costs the first report time, nothing else
        logger.exception("PDF warm-up failed (%s)", where)


def _reports_collect_warm_up() -> None:
    """Collect one gemeentefoto snapshot (read only; nothing is stored) in the worker's main
    process, so every child starts with what a first collect builds once per process: the
    compiled prepared queries (core.prepared), the selectors' cached query shapes and the
    snapshot modules. The connection is closed again before the fork. Without it a fresh child's
    first collect took about twice the second's (bench_reports: 0.12 against 0.06 s)."""
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.db import connections
    from django.utils import timezone
    from django.utils.translation import override

    from cycles.models import Cycle
    from municipalities.models import Municipality
    from reports.models import ReportJob
    from reports.services import report_collect

    try:
        # The newest cycle's municipality (a collect that meets goals, budgets and analyses),
        # else any: only which code runs matters, not whose figures.
        newest = Cycle.objects.filter(municipality__is_active=True).order_by("-pk").first()
        municipality = (
            newest.municipality
            if newest
            else Municipality.objects.filter(is_active=True).order_by("pk").first()
        )
        if municipality is None:
            return
        cycle = newest
        job = ReportJob(
            municipality=municipality,
            cycle=cycle,
            kind=ReportJob.Kind.GEMEENTEFOTO,
            queued_at=timezone.now(),
        )
        with override("nl"):
            report_collect(job=job)
    finally:
        connections.close_all()


@worker_init.connect
def reports_warm_up_before_fork(**kwargs) -> None:
    """The worker's main process loads WeasyPrint, parses the PDF stylesheets and loads their
    fonts (reports.rendering.warm_up) before it forks its children: every child, also one that
    replaces a child recycled after ``--max-tasks-per-child``, starts with them (issue 23: the
    first report of a fresh child took 1.6x the second). First a gemeentefoto's collect
    (``_reports_collect_warm_up``), so what it builds is frozen and shared with the rest."""
    try:
        _reports_collect_warm_up()
    except Exception:  # noqa: BLE001 - a failed warm-up costs the first report time, nothing else
        logger.exception("Report collect warm-up failed (worker)")
    _reports_warm_up("worker", charts=True)


@worker_process_init.connect
def reports_warm_up_in_child(**kwargs) -> None:
    """Whatever is still per process after the fork (a tiny render without charts), paid before
    the child takes its first task. Kept short: Celery waits 4 s for a new child
    (``worker_proc_alive_timeout``); a failed warm-up is logged and costs only time."""
    _reports_warm_up("child", charts=False)
