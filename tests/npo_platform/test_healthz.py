import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_names_a_broker_that_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
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
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["media"]
