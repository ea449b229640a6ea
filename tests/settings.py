"""Test settings: the real settings with production-like defaults, plus speed-ups for tests.

Everything comes from ``npo_platform.settings``; only what makes tests fast and deterministic is
changed here. DEBUG stays off, so tests run the production code paths.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

# Under pytest-xdist (`make test` runs two processes) each process gets its own Redis database
# number, as pytest-django gives each its own test database: caches, sessions and the Celery broker
# of one process never see the other's.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(os.environ["REDIS_URL"])
    _db = int(_url.path.strip("/") or 0) + int(_worker[2:])
    os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{_db}"))

from npo_platform.settings import *  # noqa: E402,F403
from npo_platform.settings import STORAGES  # noqa: E402

# Argon2 is deliberately slow; tests don't need that (a test checks production uses Argon2).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files are served from the finders by the live server; no manifest needed.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - keeps WhiteNoise quiet
# Uploaded files written by tests go to a throw-away folder, never into var/private.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="npo-test-media-"))

# The page cache is on in every test run (locmem when no REDIS_URL: one process), so any test that
# changes data and then reads a page also checks that the change retired the cached page.
PAGE_CACHE_SECONDS = 300
# Report builds run inline in tests (the background thread of `make run` has its own test).
REPORTS_BUILD_IN_THREAD = False
# Seeding the demo without its PDFs (a dozen tests seed it); the tests that look at the demo's
# reports (demo of today, English pages, layout journeys, backup drill) turn it on.
DEMO_REPORTS = False

# SQLite (the embedded default, `make test` without DATABASE_URL): the test database is a file,
# not Django's in-memory database. Threads share an in-memory database through SQLite's shared
# cache, which answers a second writer (or a writer meeting a reader) with "database table is
# locked" at once, without waiting: the report build thread of `make run` (tests/reports/
# test_resilience.py) then failed its job now and then. A file waits on a lock (the busy
# timeout), as `make run`'s database does. One file per xdist process (pytest-django adds the
# worker to the name), in the temporary folder.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / "npo-platform-test.sqlite3")
    }
