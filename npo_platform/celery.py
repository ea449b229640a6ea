"""The Celery application.

Configured from Django settings (``CELERY_*``). Without a broker, settings switch on
``task_always_eager`` so the very same tasks run in-process.
"""

import logging
import os

from celery import Celery
from celery.signals import before_task_publish

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
