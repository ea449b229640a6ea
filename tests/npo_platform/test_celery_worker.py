"""A real Celery worker consumes from the configured broker (Redis in CI)."""

import pytest

from npo_platform.tasks import ping


@pytest.mark.worker
def test_real_worker_runs_a_task_from_the_broker(celery_worker):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.status == "SUCCESS"
