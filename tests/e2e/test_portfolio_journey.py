"""An advisor with three municipalities sorts the portfolio, filters on an alert, starts a bulk
gemeentefoto from the selection and watches it finish — accessible (axe) on every page."""

import re
import time

import pytest
from playwright.sync_api import expect

from cycles.models import Cycle
from municipalities.models import Role
from npo_platform.celery import app
from reports.models import ReportJob
from reports.tasks import report_build_task
from tests.celery_helpers import running_celery_worker
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.portfolio.factories import fill, new_municipality


@pytest.fixture
def advisor(transactional_db):
    user = UserFactory(email="adviseur@portfolio.test")
    for name in ("Almere", "Deventer", "Zaanstad"):
        municipality = new_municipality(name=name)
        MembershipFactory(user=user, municipality=municipality, role=Role.ADVISOR)
        fill(municipality)
    deventer = Cycle.objects.get(municipality__name="Deventer")
    ReportJob.objects.create(
        municipality=deventer.municipality,
        cycle=deventer,
        kind=ReportJob.Kind.PLAN,
        version=1,
        status=ReportJob.Status.FAILED,
        error="Mislukt in de test",
    )
    # Someone else's municipality must never show up.
    fill(new_municipality(name="Vreemdegem"))
    return user


@pytest.fixture
def worker(e2e_settings, tmp_path, monkeypatch):
    """A real Celery worker (Redis in CI) that takes a second per PDF, so the browser sees the
    combined progress bar move instead of a finished page."""
    from reports import rendering

    e2e_settings.MEDIA_ROOT = tmp_path
    real = rendering.render_pdf

    def unhurried(snapshot):
        time.sleep(1)
        return real(snapshot)

    monkeypatch.setattr("reports.rendering.render_pdf", unhurried)
    assert app.tasks[report_build_task.name]  # registered before the worker starts
    with running_celery_worker():
        yield


def accessible(page, name: str) -> None:
    """axe, then remove the empty ``style=""`` attributes axe-core leaves on hidden inputs: htmx's
    history snapshot (hx-push-url) would re-parse them and trip the CSP (a test artefact only)."""
    assert_accessible(page, name)
    page.evaluate(
        "() => document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))"
    )


def row_names(page) -> list[str]:
    return page.locator(".portfolio-table tbody th[scope=row]").all_inner_texts()


def test_advisor_portfolio_journey(page, advisor, worker):
    login(page, advisor.email, TEST_PASSWORD)
    # Home is the portfolio for an advisor with several municipalities.
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gemeenten")
    assert row_names(page) == ["Almere", "Deventer", "Zaanstad"]
    expect(page.get_by_text("Vreemdegem")).to_have_count(0)
    accessible(page, "portfolio")

    # Sort: a click on "Gemeente" sorts descending (htmx swaps only the table).
    page.get_by_role("link", name=re.compile(r"^Gemeente")).click()
    expect(page.locator(".portfolio-table tbody th[scope=row]").first).to_have_text("Zaanstad")
    assert row_names(page) == ["Zaanstad", "Deventer", "Almere"]
    assert "sort=-name" in page.url
    expect(page.locator("th[aria-sort=descending]")).to_have_count(1)

    # Filter on an alert: only Deventer has a failed report.
    page.get_by_label("Signaal").select_option(label="Rapportage mislukt")
    expect(page.locator(".portfolio-table tbody tr")).to_have_count(1)
    assert row_names(page) == ["Deventer"]
    expect(page.get_by_text("Een rapportage is mislukt")).to_be_visible()
    assert "alert=report_failed" in page.url and "sort=-name" in page.url
    accessible(page, "portfolio-filtered")

    # Back to all, select every municipality and start the gemeentefoto's.
    page.get_by_label("Signaal").select_option(label="Alle gemeenten")
    expect(page.locator(".portfolio-table tbody tr")).to_have_count(3)
    for name in ("Almere", "Deventer", "Zaanstad"):
        page.get_by_label(f"Selecteer {name}").check()
    page.get_by_role("button", name="Maak gemeentefoto's").click()

    # One combined bar; the worker is still busy when the page arrives, and htmx polls it along.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Gemeentefoto's voor meerdere gemeenten"
    )
    bar = page.locator("progress#bulk-progress")
    expect(page.get_by_text(re.compile(r"^[0-2] van 3 gemeentefoto's klaar"))).to_be_visible()
    assert int(bar.get_attribute("value")) < 100
    assert_accessible(page, "portfolio-bulk-running")
    expect(page.get_by_text("3 van 3 gemeentefoto's klaar")).to_be_visible(timeout=90_000)
    expect(bar).to_have_attribute("value", "100")
    assert (
        ReportJob.objects.filter(
            kind=ReportJob.Kind.GEMEENTEFOTO, status=ReportJob.Status.DONE, requested_by=advisor
        ).count()
        == 3
    )
    assert_accessible(page, "portfolio-bulk-done")

    # The portfolio now shows today's gemeentefoto for each municipality.
    page.get_by_role("link", name="Portfolio").click()
    expect(page.locator(".portfolio-table tbody tr")).to_have_count(3)

    # The comparisons: each municipality against the portfolio average, nobody else's data.
    page.get_by_role("link", name="Vergelijk de gemeenten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vergelijking van je gemeenten")
    expect(page.get_by_role("row", name=re.compile("Gemiddelde portfolio")).first).to_be_visible()
    expect(page.locator("main").get_by_text("Vreemdegem")).to_have_count(0)
    assert_accessible(page, "portfolio-comparisons")
