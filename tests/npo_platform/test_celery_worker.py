"""A real Celery worker consumes from the configured broker (Redis in CI)."""

import os

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from npo_platform.celery import app
from npo_platform.tasks import ping


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_a_task_from_the_broker():
    broker = settings.CELERY_BROKER_URL or "memory://"
    if os.environ.get("CI") == "true":
        assert broker.startswith("redis://"), "CI must exercise the real Redis broker"
    backend = settings.CELERY_RESULT_BACKEND or "cache+memory://"
    app.conf.update(broker_url=broker, result_backend=backend, task_always_eager=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = ping.delay()
            assert result.get(timeout=20) == "pong"
            assert result.status == "SUCCESS"
    finally:
        app.conf.update(task_always_eager=True)
