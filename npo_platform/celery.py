"""The Celery application.

Configured from Django settings (``CELERY_*``). Without a broker, settings switch on
``task_always_eager`` so the very same tasks run in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npo_platform.settings")

app = Celery("npo_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The default app in every thread (not only the importing one): runserver and the live test
# server handle requests in threads, where `shared_task` proxies would otherwise resolve to
# Celery's empty fallback app and fail with NotRegistered.
app.set_default()
