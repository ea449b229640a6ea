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


@worker_init.connect
def reports_warm_up_before_fork(**kwargs) -> None:
    """The worker's main process loads WeasyPrint, parses the PDF stylesheets and loads their
    fonts (reports.rendering.warm_up) before it forks its children: every child, also one that
    replaces a child recycled after ``--max-tasks-per-child``, starts with them (issue 23: the
    first report of a fresh child took 1.6x the second)."""
    _reports_warm_up("worker", charts=True)


@worker_process_init.connect
def reports_warm_up_in_child(**kwargs) -> None:
    """Whatever is still per process after the fork (a tiny render without charts), paid before
    the child takes its first task. Kept short: Celery waits 4 s for a new child
    (``worker_proc_alive_timeout``); a failed warm-up is logged and costs only time."""
    _reports_warm_up("child", charts=False)
