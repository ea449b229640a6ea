import datetime
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "down"
        return False


def _broker_ok() -> bool:
    from npo_platform.celery import app

    try:
        # The URL from settings, not the app's cached configuration: what is configured now counts.
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001
        return False


def _cache_ok() -> bool:
    """The cache holds the page cache and (with Redis) the sessions: write, read, delete."""
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache = caches["default"]
        cache.set(key, "1", timeout=10)
        ok = cache.get(key) == "1"
        cache.delete(key)
        return ok
    except Exception:  # noqa: BLE001
        return False


def _media_ok() -> bool:
    """Uploads and report PDFs can be written: a small file is saved and removed again."""
    try:
        name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        default_storage.delete(name)
        return True
    except Exception:  # noqa: BLE001
        return False


def _heartbeat_ages() -> dict[str, float | None]:
    """Seconds since the worker and beat were last seen (core.tasks.heartbeat_task), None when
    never (or the database cannot say)."""
    from core.models import Heartbeat

    try:
        seen = dict(Heartbeat.objects.filter(name__in=HEARTBEATS).values_list("name", "at"))
    except Exception:  # noqa: BLE001 - the database check names that failure
        seen = {}
    now = timezone.now()
    return {
        name: round((now - seen[name]).total_seconds(), 1) if name in seen else None
        for name in HEARTBEATS
    }


HEARTBEATS = ("worker", "beat")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache (page cache), the media store and, with a broker, the
    broker, a worker and beat (their heartbeat younger than HEALTHZ_HEARTBEAT_MAX_AGE) answer;
    503 naming what is down. ``heartbeat_age_seconds`` gives the worker's and beat's ages."""
    checks = {
        "database": "ok" if _database_ok() else "down",
        "cache": "ok" if _cache_ok() else "down",
        "media": "ok" if _media_ok() else "down",
    }
    body: dict = {}
    if settings.CELERY_BROKER_URL and not settings.CELERY_BROKER_URL.startswith("memory"):
        checks["broker"] = "ok" if _broker_ok() else "down"
        # Without a broker tasks run in the web process: there is no worker or beat to watch.
        ages = _heartbeat_ages()
        limit = settings.HEALTHZ_HEARTBEAT_MAX_AGE
        for name, age in ages.items():
            checks[name] = "ok" if age is not None and age <= limit else "down"
        body["heartbeat_age_seconds"] = ages
    down = sorted(name for name, state in checks.items() if state != "ok")
    body = {"status": "ok" if not down else "down", "checks": checks, **body}
    if down:
        body["down"] = down
    return JsonResponse(body, status=503 if down else 200)


# The date of the statement and of the research behind it; change both when it is revised.
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 30)


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The toegankelijkheidsverklaring in the structure of digitoegankelijk.nl; public."""
    return render(
        request, "accessibility_statement.html", {"statement_date": ACCESSIBILITY_STATEMENT_DATE}
    )
