"""PDF warm start (issue 23): the worker warms WeasyPrint up before a child takes its first
report, and a failing warm-up never stops the worker."""

import pytest
from celery.signals import worker_init, worker_process_init

from reports import rendering


@pytest.fixture
def calls(monkeypatch):
    from npo_platform import celery as worker

    seen = []
    monkeypatch.setattr(rendering, "warm_up", lambda **kwargs: seen.append(kwargs))
    # The worker's collect warm-up reads the database: tested on its own below.
    monkeypatch.setattr(worker, "_reports_collect_warm_up", lambda: None)
    return seen


def _receivers(signal) -> list:
    """The functions connected to a Celery signal (kept as weak references)."""
    import weakref

    return [r() if isinstance(r, weakref.ref) else r for _key, r in signal.receivers]


def test_the_worker_and_each_child_warm_up(calls):
    from npo_platform.celery import reports_warm_up_before_fork, reports_warm_up_in_child

    assert reports_warm_up_before_fork in _receivers(worker_init)
    assert reports_warm_up_in_child in _receivers(worker_process_init)
    reports_warm_up_before_fork()
    reports_warm_up_in_child()
    assert calls == [{"charts": True}, {"charts": False}]


def test_a_failing_warm_up_is_logged_not_raised(monkeypatch, caplog):
    from npo_platform.celery import reports_warm_up_in_child

    def broken(**kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr(rendering, "warm_up", broken)
    reports_warm_up_in_child()
    assert "PDF warm-up failed (child)" in caplog.text


def test_the_warm_up_prepares_the_stylesheets_once_per_process():
    rendering.warm_up(charts=False)
    prepared = rendering._prepared()
    rendering.warm_up()
    assert rendering._prepared() is prepared
    font_config, sheets = prepared
    assert set(sheets) == {*rendering.STYLESHEETS, rendering.LETTER_STYLESHEET}


@pytest.mark.django_db
def test_the_worker_collects_one_gemeentefoto_before_the_fork_and_stores_nothing(
    monkeypatch, municipality
):
    """The worker's main process runs a gemeentefoto's collect once (read only), so a fresh
    child's first collect finds its queries compiled; its connection is closed before the fork."""
    import datetime

    from django.db import connections

    from cycles.models import Cycle
    from npo_platform import celery as worker
    from reports import services
    from reports.models import ReportJob

    cycle = Cycle.objects.create(
        municipality=municipality,
        title="NPO 2023–2025",
        start_date=datetime.date(2023, 8, 1),
        end_date=datetime.date(2025, 7, 31),
    )
    collected, closed = [], []
    real_collect = services.report_collect

    def collect(*, job):
        collected.append((job.kind, job.municipality_id, job.cycle_id, job.pk))
        return real_collect(job=job)

    monkeypatch.setattr(services, "report_collect", collect)
    # The test's own connection holds its transaction: count the close instead of doing it.
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))
    worker._reports_collect_warm_up()
    assert collected == [("gemeentefoto", municipality.pk, cycle.pk, None)]
    assert closed == [True]
    assert not ReportJob.objects.exists()


def test_a_failing_collect_warm_up_still_warms_the_renderer(calls, monkeypatch, caplog):
    from npo_platform import celery as worker

    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr(worker, "_reports_collect_warm_up", broken)
    worker.reports_warm_up_before_fork()
    assert "Report collect warm-up failed (worker)" in caplog.text
    assert calls == [{"charts": True}]
