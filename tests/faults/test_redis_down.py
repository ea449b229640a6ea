"""Drill: Redis (cache and broker) stopped while people browse and save.

Pages answer 200 (sessions are in the database, the page cache is skipped), saves are kept, a
report requested meanwhile waits in the outbox and reaches the broker exactly once after Redis
is back. Runs in-process against the test database, with the cache and broker on a private Redis.
"""

import time
from decimal import Decimal

import pytest

from budgets.models import Allocation
from core import outbox
from core.models import OutboxMessage
from reports.models import ReportJob
from tests.budgets.factories import AllocationFactory
from tests.celery_helpers import _reset_connections

BASE = "/g/utrecht/"


@pytest.fixture
def on_private_redis(settings, redis_server):
    from npo_platform.celery import app

    url = redis_server.url(0)
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            # As npo_platform.settings configures it with REDIS_URL.
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_BROKER_URL = url
    settings.PAGE_CACHE_SECONDS = 300
    previous = app.conf.broker_url
    app.conf.update(broker_url=url, task_always_eager=False)
    _reset_connections()
    yield redis_server
    app.conf.update(broker_url=previous, task_always_eager=True)
    _reset_connections()


def _version(page: str) -> str:
    import html
    import re

    return html.unescape(re.search(r'name="versie" value="([^"]*)"', page).group(1))


@pytest.mark.django_db(transaction=True)
def test_redis_stopped_pages_and_saves_work_and_the_job_is_sent_once_after(
    officer_client, municipality, member_factory, on_private_redis
):
    from django.test import Client

    redis = on_private_redis
    reader = Client()
    reader.force_login(member_factory(municipality))
    allocation = AllocationFactory(municipality=municipality, amount=Decimal("1000.00"))
    edit = f"{BASE}budget/toekenningen/{allocation.pk}/"
    assert officer_client.get(BASE).status_code == 200
    # The first views set the reader's CSRF cookie (part of the page's key); then it is kept.
    hits = [reader.get(f"{BASE}budget/").get("X-Page-Cache") for _ in range(3)]
    assert hits[-1] == "hit", hits  # kept, showing 1.000

    redis.stop()
    seconds = {}

    def timed(method, url, data=None):
        started = time.monotonic()
        response = method(url, data) if data is not None else method(url)
        seconds[f"{method.__name__} {url}"] = round(time.monotonic() - started, 2)
        return response

    for url in (BASE, f"{BASE}budget/", edit, f"{BASE}rapportages/"):
        response = timed(officer_client.get, url)
        assert response.status_code == 200, (url, response.status_code)
    data = {
        "stream": allocation.stream.pk,
        "period": allocation.period,
        "amount": "2.500,00",
        "reference": allocation.reference,
        "versie": _version(officer_client.get(edit).content.decode()),
    }
    assert timed(officer_client.post, edit, data).status_code == 302
    assert Allocation.objects.get(pk=allocation.pk).amount == Decimal("2500.00")
    requested = timed(officer_client.post, f"{BASE}rapportages/", {"kind": "gemeentefoto"})
    assert requested.status_code == 302
    # Every page and save answered at once with Redis down (the broker gets one quick retry).
    assert max(seconds.values()) < 2, seconds
    job = ReportJob.objects.get()
    assert job.status == "queued"
    assert OutboxMessage.objects.get().sent_at is None  # kept, not lost
    health = officer_client.get("/healthz")
    assert health.status_code == 503
    assert {"cache", "broker"} <= set(health.json()["down"])

    redis.start()
    assert outbox.outbox_relay()["sent"] == 1
    assert outbox.outbox_relay()["sent"] == 0  # the beat relay again: nothing twice
    queued = redis.client().lrange("celery", 0, -1)
    assert len(queued) == 1 and f"outbox-{OutboxMessage.objects.get().pk}".encode() in queued[0]
    # Redis kept the page from before the outage, but the save made meanwhile counts: the
    # first cache use after the outage retired every kept page.
    after = reader.get(f"{BASE}budget/")
    assert after["X-Page-Cache"] == "miss" and "2.500" in after.content.decode()
