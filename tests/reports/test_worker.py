"""Both reports built end to end by a real Celery worker from the configured broker (Redis in CI)."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from npo_platform.celery import app
from reports import services
from reports.models import ReportJob
from tests.factories import MembershipFactory, MunicipalityFactory
from tests.reports.factories import fill_municipality
from tests.reports.helpers import assert_pdf_ua, pdf_text


def _wait_until_finished(pks: list[int], timeout: float = 90) -> list[ReportJob]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = list(ReportJob.objects.filter(pk__in=pks).order_by("pk"))
        if all(j.is_finished for j in jobs):
            return jobs
        time.sleep(0.2)
    raise AssertionError(f"jobs not finished in {timeout}s: {[(j.pk, j.status) for j in jobs]}")


def _reset_connections() -> None:
    """Drop connection and producer pools an earlier test made for another broker URL."""
    app.close()
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_builds_gemeentefoto_and_plan():
    broker = settings.CELERY_BROKER_URL or "memory://"
    if os.environ.get("CI") == "true":
        assert broker.startswith("redis://"), "CI must exercise the real Redis broker"
    backend = settings.CELERY_RESULT_BACKEND or "cache+memory://"
    municipality = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = MembershipFactory(municipality=municipality).user
    cycle = fill_municipality(municipality)
    app.conf.update(broker_url=broker, result_backend=backend, task_always_eager=False)
    _reset_connections()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            foto = services.report_request(
                municipality=municipality, kind="gemeentefoto", user=officer, cycle=cycle
            )
            foto = _wait_until_finished([foto.pk])[0]
            plan = services.report_request(
                municipality=municipality, kind="plan", user=officer, cycle=cycle
            )
            plan = _wait_until_finished([plan.pk])[0]
    finally:
        app.conf.update(task_always_eager=True)
        _reset_connections()
    for job in (foto, plan):
        assert job.status == "done", job.error
        assert job.task_id and job.attempts == 1
        with job.pdf.open("rb") as fh:
            assert_pdf_ua(fh.read())
        text = pdf_text(job)
        assert "Utrecht" in text
        assert "Leesvaardigheid omhoog in groep 8" in text  # a goal title
        assert "€ 487.650" in text  # a budget figure
    assert plan.snapshot["gemeentefoto_version"] == foto.version
