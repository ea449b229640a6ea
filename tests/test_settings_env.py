"""Settings read from the environment fail loudly on bad values and refuse to run insecurely."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _import_settings(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import npo_platform.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_runs_without_secret_key():
    result = _import_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be one of"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL must start with"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must start with"),
        ("SESSION_COOKIE_AGE", "two hours", "SESSION_COOKIE_AGE must be a whole number"),
    ],
)
def test_malformed_values_fail_at_start_up(name, value, message):
    result = _import_settings(SECRET_KEY="x" * 50, **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_are_hardened():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import npo_platform.settings as s; "
            "print(s.PASSWORD_HASHERS[0], s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS > 0)",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "SECURE_SSL_REDIRECT"}
        | {"DEBUG": "false", "SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "True",
        "True",
        "True",
        "True",
        "True",
    ], result.stderr


def test_without_broker_tasks_run_in_process():
    result = _import_settings(DEBUG="true")
    assert result.returncode == 0
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import npo_platform.settings as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
        }
        | {"DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split() == ["True", "django.db.backends.sqlite3"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "True 5"), ("true", "True 5"), ("false", "None None")],
)
def test_postgresql_binds_parameters_on_the_server_and_prepares_repeated_queries(value, expected):
    env = {"DEBUG": "true", "DATABASE_URL": "postgres://npo@db.invalid:5432/npo"}
    if value is not None:
        env["DATABASE_SERVER_SIDE_BINDING"] = value
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import npo_platform.settings as s; o = s.DATABASES['default'].get('OPTIONS', {}); "
            "print(o.get('server_side_binding'), o.get('prepare_threshold'))",
        ],
        cwd=ROOT,
        env={
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DATABASE_SERVER_SIDE_BINDING"}
        }
        | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == expected, result.stderr


def test_the_suite_runs_with_the_production_database_options():
    """Under CI the whole suite runs with the server-side binding and prepared statements."""
    if os.environ.get("CI") == "true":
        options = settings.DATABASES["default"]["OPTIONS"]
        assert (options["server_side_binding"], options["prepare_threshold"]) == (True, 5)


def test_ci_uses_the_real_services():
    """Under CI the suite must run on PostgreSQL and Redis, never fall back to the embedded default."""
    if os.environ.get("CI") != "true":
        assert settings.DATABASES["default"]["ENGINE"] in {
            "django.db.backends.sqlite3",
            "django.db.backends.postgresql",
        }
        return
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
