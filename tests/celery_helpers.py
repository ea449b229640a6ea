"""Start a real Celery worker in tests, and leave the Celery app as it was afterwards."""

import logging
import os
from contextlib import contextmanager

from celery.contrib.testing.worker import start_worker
from django.conf import settings

from npo_platform.celery import app


def _reset_connections() -> None:
    """Drop the cached result backend and the connection/producer pools.

    Celery caches them on first use; a pool made for another broker URL (or the "disabled"
    result backend an eager test created) would silently send tasks to the wrong place.
    """
    app.close()
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@contextmanager
def running_celery_worker():
    """A real worker (solo pool, in a thread) on the configured broker: Redis in CI, Celery's
    in-memory transport when no broker is configured."""
    broker = settings.CELERY_BROKER_URL or "memory://"
    if os.environ.get("CI") == "true":
        assert broker.startswith("redis://"), "CI must exercise the real Redis broker"
    backend = settings.CELERY_RESULT_BACKEND or "cache+memory://"
    previous = {k: app.conf[k] for k in ("broker_url", "result_backend")}
    app.conf.update(broker_url=broker, result_backend=backend, task_always_eager=False)
    _reset_connections()
    # The worker sets up logging for itself (root logger at ERROR, its own handlers); later tests
    # in this process must see the logging they started with.
    root = logging.getLogger()
    root_level, root_handlers = root.level, list(root.handlers)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.update(**previous, task_always_eager=True)
        _reset_connections()
        root.setLevel(root_level)
        root.handlers[:] = root_handlers
