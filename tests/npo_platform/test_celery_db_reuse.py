"""A worker that keeps its database connection between tasks (CELERY_DB_REUSE_MAX) starts each
task like a Django request: an obsolete or broken connection is closed first, a healthy one kept;
a task run in-process inside a request's transaction never loses that transaction's connection."""

import time
from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from npo_platform.celery import task_connections_checked


def _task(*, eager: bool):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def _open() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@pytest.fixture
def reuse(settings):
    settings.CELERY_DB_REUSE_MAX = 100


@pytest.fixture
def closed(monkeypatch):
    """Records each close of the connection (SQLite's in-memory test database ignores close)."""
    calls = []
    real = connection.close

    def close():
        calls.append(True)
        real()

    monkeypatch.setattr(connection, "close", close)
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_connection_past_its_age_is_closed_before_the_task(reuse, closed):
    _open()
    connection.close_at = time.monotonic() - 1  # older than CONN_MAX_AGE
    task_connections_checked(task=_task(eager=False))
    assert closed == [True]


@pytest.mark.django_db(transaction=True)
def test_a_broken_connection_is_closed_before_the_task(reuse, closed, monkeypatch):
    _open()
    connection.close_at = time.monotonic() + 60
    connection.errors_occurred = True
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    task_connections_checked(task=_task(eager=False))
    assert closed == [True]


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_kept(reuse, closed):
    _open()
    connection.close_at = time.monotonic() + 60
    task_connections_checked(task=_task(eager=False))
    assert closed == []


@pytest.mark.django_db(transaction=True)
def test_an_eager_task_in_a_transaction_keeps_the_requests_connection(reuse, closed):
    with transaction.atomic():
        _open()
        connection.close_at = time.monotonic() - 1
        task_connections_checked(task=_task(eager=True))
        task_connections_checked(task=_task(eager=False))
        assert closed == []


@pytest.mark.django_db(transaction=True)
def test_without_reuse_celery_closes_and_this_does_nothing(settings, closed):
    settings.CELERY_DB_REUSE_MAX = None
    _open()
    connection.close_at = time.monotonic() - 1
    task_connections_checked(task=_task(eager=False))
    assert closed == []
