"""A policy officer generates the gemeentefoto, watches the progress bar, opens and downloads it.

A real Celery worker (in-memory broker, solo pool) runs in this process next to the live server, so
the browser really polls a job that a worker is building.
"""

import io
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from municipalities.models import Role
from npo_platform.celery import app
from reports.tasks import report_build_task
from tests.celery_helpers import running_celery_worker
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory
from tests.reports.factories import fill_municipality


@pytest.fixture
def worker(e2e_settings, tmp_path, monkeypatch):
    from reports import rendering

    e2e_settings.MEDIA_ROOT = tmp_path
    real = rendering.render_pdf

    def unhurried(snapshot):
        time.sleep(2)  # long enough for the browser to see the bar move
        return real(snapshot)

    monkeypatch.setattr("reports.rendering.render_pdf", unhurried)
    assert app.tasks[report_build_task.name]  # registered before the worker starts
    with running_celery_worker():
        yield


def test_officer_generates_views_and_downloads_the_gemeentefoto(page, transactional_db, worker):
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = MembershipFactory(
        municipality=utrecht, role=Role.POLICY_OFFICER, user__email="beleid@utrecht.test"
    ).user
    fill_municipality(utrecht)

    login(page, officer.email, TEST_PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rapportages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportages")
    assert_accessible(page, "reports-list-empty")

    page.get_by_role("button", name="Maak gemeentefoto").click()
    bar = page.locator(".job-progress progress")
    expect(bar).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="versie 1").first).to_be_visible()
    assert_accessible(page, "reports-progress")
    open_link = page.get_by_role("link", name="Bekijk de HTML-versie")
    expect(open_link).to_be_visible(timeout=60_000)
    expect(bar).to_have_count(0)
    assert_accessible(page, "reports-done")

    open_link.click()
    expect(page).to_have_url(re.compile(r"/g/utrecht/rapportages/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeentefoto Utrecht")
    expect(page.get_by_role("heading", name="Partners")).to_be_visible()
    expect(page.locator("img.report-chart__img").first).to_be_visible()
    assert_accessible(page, "reports-html-view")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download de PDF").click()
    download = info.value
    assert re.fullmatch(r"gemeentefoto-utrecht-v1\.pdf", download.suggested_filename)
    data = Path(download.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert data.startswith(b"%PDF") and "Gemeentefoto Utrecht" in text
