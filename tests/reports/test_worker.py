"""Both reports built end to end by a real Celery worker from the configured broker (Redis in CI)."""

import time

import pytest

from reports import services
from reports.models import ReportJob
from tests.celery_helpers import running_celery_worker
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


@pytest.mark.worker
def test_real_worker_builds_gemeentefoto_and_plan(transactional_db):
    municipality = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = MembershipFactory(municipality=municipality).user
    cycle = fill_municipality(municipality)
    with running_celery_worker():
        foto = services.report_request(
            municipality=municipality, kind="gemeentefoto", user=officer, cycle=cycle
        )
        foto = _wait_until_finished([foto.pk])[0]
        plan = services.report_request(
            municipality=municipality, kind="plan", user=officer, cycle=cycle
        )
        plan = _wait_until_finished([plan.pk])[0]
    for job in (foto, plan):
        assert job.status == "done", job.error
        assert job.task_id and job.attempts == 1
        with job.pdf.open("rb") as fh:
            assert_pdf_ua(fh.read())
        text = pdf_text(job)
        assert "Utrecht" in text
        assert "Leesvaardigheid omhoog in groep 8" in text  # a goal title
        assert "€ 487.650,00" in text  # a budget figure, with cents as on the pages
    assert plan.snapshot["gemeentefoto_version"] == foto.version
