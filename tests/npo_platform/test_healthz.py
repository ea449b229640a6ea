from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.models import Heartbeat


def _seen(name: str, seconds_ago: float) -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now() - timedelta(seconds=seconds_ago)}
    )


@pytest.mark.django_db
def test_healthz_ok(client):
    _seen("worker", 5), _seen("beat", 5)  # with a broker (CI) the worker and beat count too
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_names_a_broker_that_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    _seen("worker", 5), _seen("beat", 5)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_names_a_database_that_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "database" in response.json()["down"]


@pytest.mark.django_db
def test_healthz_checks_the_cache_and_media(client):
    checks = client.get("/healthz").json()["checks"]
    assert checks["cache"] == "ok" and checks["media"] == "ok"


@pytest.mark.django_db
def test_healthz_names_a_cache_that_is_down(client, settings):
    # The cache holds the sessions (with Redis) and the page cache: nothing listens on port 1.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "cache" in response.json()["down"]


@pytest.mark.django_db
def test_healthz_names_a_media_store_that_is_not_writable(client, monkeypatch):
    import errno

    from django.core.files.storage import default_storage

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(default_storage, "save", read_only)
    _seen("worker", 5), _seen("beat", 5)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["media"]


@pytest.mark.django_db
def test_healthz_gives_worker_and_beat_heartbeat_ages_and_names_a_stale_one(client, settings):
    settings.CELERY_BROKER_URL = "memory://"
    assert "worker" not in client.get("/healthz").json()["checks"]  # no broker: no worker
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.HEALTHZ_HEARTBEAT_MAX_AGE = 120
    _seen("worker", 300)  # the worker died five minutes ago; beat never ran
    body = client.get("/healthz").json()
    assert body["checks"]["worker"] == "down" and body["checks"]["beat"] == "down"
    assert 299 <= body["heartbeat_age_seconds"]["worker"] <= 310
    assert body["heartbeat_age_seconds"]["beat"] is None
    assert {"worker", "beat"} <= set(body["down"])
    _seen("worker", 10), _seen("beat", 20)
    body = client.get("/healthz").json()
    assert body["checks"]["worker"] == "ok" and body["checks"]["beat"] == "ok"


@pytest.mark.django_db
def test_the_heartbeat_task_and_beat_signal_record_their_time():
    from celery.signals import before_task_publish

    from core import tasks

    # The task's body (what a worker runs), then what beat's send triggers.
    tasks.heartbeat_record(name="worker")
    before_task_publish.send(sender="core.heartbeat", body=None, headers={})
    seen = dict(Heartbeat.objects.values_list("name", "at"))
    assert set(seen) == {"worker", "beat"}
    assert all(timezone.now() - at < timedelta(seconds=5) for at in seen.values())
