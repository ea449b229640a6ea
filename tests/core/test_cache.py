"""core.cache.FailOpenRedisCache: with Redis unreachable, reads miss and writes are skipped."""

import logging

import pytest

from core import cache as cache_module
from core.cache import FailOpenRedisCache


@pytest.fixture
def unreachable():
    # Nothing listens on port 1.
    yield FailOpenRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    cache_module._outage.clear()  # this outage is this test's own


def test_after_an_outage_the_recovery_hooks_run_before_the_next_cache_use(unreachable, monkeypatch):
    calls = []
    monkeypatch.setattr(cache_module, "_recovery_hooks", [lambda: calls.append("retired")])
    unreachable.get("k")
    assert cache_module._outage.is_set() and calls == []
    # The next use tries the hooks first (here Redis is still down: the outage stays marked).
    unreachable.get("k")
    assert calls == ["retired"] and cache_module._outage.is_set()


def test_reads_miss_and_writes_are_skipped_when_redis_is_down(unreachable, caplog):
    # A real Celery worker started earlier in this process sets the root logger to ERROR.
    caplog.set_level(logging.WARNING, logger="core.cache")
    assert unreachable.get("k") is None
    assert unreachable.get("k", "fallback") == "fallback"
    assert unreachable.get_or_set("k", lambda: "computed") == "computed"
    assert unreachable.get_many(["a", "b"]) == {}
    assert unreachable.set("k", "v") is False
    assert unreachable.add("k", "v") is False
    assert unreachable.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert unreachable.delete("k") is False
    assert unreachable.has_key("k") is False
    assert "Cache unavailable" in caplog.text


def test_counters_still_raise(unreachable):
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever redis raises, not a silent miss
        unreachable.incr("counter")
