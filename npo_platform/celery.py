"""The Celery application.

Configured from Django settings (``CELERY_*``). Without a broker, settings switch on
``task_always_eager`` so the very same tasks run in-process.
"""

import logging
import os

from celery import Celery
from celery.signals import before_task_publish, task_prerun

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
