"""Run one callable in N threads at once, each with its own database connection.

Used by the "ten parallel clicks" tests. They need a database whose transactions really run side
by side with row locks (PostgreSQL, as in CI); SQLite serialises whole-database writes and has
no ``SELECT ... FOR UPDATE``, so those tests run only on PostgreSQL.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="parallel writes need PostgreSQL's row locks (CI runs them on PostgreSQL)",
)


def run_parallel(count: int, work: Callable[[int], object]) -> list[object]:
    """``work(i)`` for i in 0..count-1, started together; returns the results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread met
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
