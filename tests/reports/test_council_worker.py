"""The council evaluation built end to end by a real Celery worker (Redis in CI): requested,
collected with progress, rendered as PDF/UA and stored; its text holds every goal and the
final accounting's amounts."""

import time

import pytest

from closeout.selectors import accounting_figures, final_accounting_get
from core.money import format_money
from municipalities.models import Role
from reports import services
from reports.models import ReportJob
from tests.budgets.factories import stream
from tests.celery_helpers import running_celery_worker
from tests.factories import MembershipFactory, MunicipalityFactory
from tests.reports.helpers import assert_pdf_ua
from tests.reports.test_council_collect import GOALS, council_fill


def _wait(pk: int, timeout: float = 90) -> tuple[ReportJob, set[int]]:
    """The finished job and the progress values seen on the way."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ReportJob.objects.get(pk=pk)
        seen.add(job.progress)
        if job.is_finished:
            return job, seen
        time.sleep(0.05)
    raise AssertionError(f"job {pk} not finished in {timeout}s: {job.status} {job.progress}%")


@pytest.mark.worker
def test_real_worker_builds_the_council_evaluation(transactional_db):
    municipality = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER).user
    cycle, _ = council_fill(municipality, user=officer)
    with running_celery_worker():
        job = services.report_request(
            municipality=municipality,
            kind=ReportJob.Kind.COUNCIL,
            user=officer,
            cycle=cycle,
            options={"kenmerk": "RIB-2026-117", "burgemeester": "S. Dijksma"},
        )
        job, seen = _wait(job.pk)
    assert job.status == "done", job.error
    assert job.task_id and job.attempts == 1 and job.progress == 100
    assert job.snapshot["letter"]["reference"] == "RIB-2026-117"

    with job.pdf.open("rb") as fh:
        data = fh.read()
    reader = assert_pdf_ua(data)
    assert job.pdf_size == len(data)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for title, *_rest in GOALS:
        assert title in text
    npo = stream()
    figures = accounting_figures(
        municipality=municipality,
        stream=npo,
        accounting=final_accounting_get(municipality=municipality, stream=npo),
    )
    for amount in (figures.granted, figures.eligible, figures.charged, figures.unspent):
        assert format_money(amount) in text
    for category in figures.categories:
        assert format_money(category.total) in text
    assert "Aan de gemeenteraad van Utrecht" in text and "S. Dijksma" in text
    assert "Het college van burgemeester en wethouders van Utrecht" in text
