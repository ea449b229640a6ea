"""PDF warm start (issue 23): the worker warms WeasyPrint up before a child takes its first
report, and a failing warm-up never stops the worker."""

import pytest
from celery.signals import worker_init, worker_process_init

from reports import rendering


@pytest.fixture
def calls(monkeypatch):
    seen = []
    monkeypatch.setattr(rendering, "warm_up", lambda **kwargs: seen.append(kwargs))
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
