"""An advisor requests the council evaluation (raadsinformatiebrief) for two of their
municipalities on the bulk page, sees the third named as blocked with its reason, follows the
progress until both letters are done and opens one — accessible (axe) on every page."""

import re
import time

import pytest
from playwright.sync_api import expect

from cycles.models import GoalOutcome, Phase
from municipalities.models import Role
from npo_platform.celery import app
from reports.models import ReportJob
from reports.tasks import report_build_task
from tests.celery_helpers import running_celery_worker
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory, UserFactory
from tests.reports.test_council_collect import GOALS, council_fill


@pytest.fixture
def advisor(transactional_db):
    user = UserFactory(email="adviseur@raad.test")
    made = {}
    for name, slug, code in (
        ("Amersfoort", "amersfoort", "GM0307"),
        ("Utrecht", "utrecht", "GM0344"),
        ("Zwolle", "zwolle", "GM0193"),
    ):
        made[name] = MunicipalityFactory(name=name, slug=slug, cbs_code=code)
        MembershipFactory(user=user, municipality=made[name], role=Role.ADVISOR)
    council_fill(made["Utrecht"])
    council_fill(made["Zwolle"], phase=Phase.AFGEROND)
    blocked, _ = council_fill(made["Amersfoort"], outcomes=False)
    GoalOutcome.objects.create(
        municipality=made["Amersfoort"],
        goal=blocked.goals.get(title=GOALS[0][0]),
        result="achieved",
        explanation="Gehaald.",
    )
    return user


@pytest.fixture
def worker(e2e_settings, tmp_path, monkeypatch):
    """A real Celery worker that takes a second per PDF, so the browser sees the progress."""
    from reports import rendering

    e2e_settings.MEDIA_ROOT = tmp_path
    real = rendering.render_pdf

    def unhurried(snapshot, **kwargs):
        time.sleep(1)
        return real(snapshot, **kwargs)

    monkeypatch.setattr("reports.rendering.render_pdf", unhurried)
    assert app.tasks[report_build_task.name]
    with running_celery_worker():
        yield


def test_advisor_requests_council_letters_for_two_municipalities(page, advisor, worker):
    login(page, advisor.email, TEST_PASSWORD)
    page.goto("/rapportages/bulk/")
    page.get_by_role("link", name="Raadsinformatiebrieven voor meerdere gemeenten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Raadsinformatiebrieven voor meerdere gemeenten"
    )
    # Before choosing: which cycle each letter evaluates, and why Amersfoort cannot yet.
    expect(page.get_by_text("Cyclus “NPO 2023–2025” (Afgerond).")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"2 doelen van de cyclus .* geen resultaat"))
    ).to_be_visible()
    assert_accessible(page, "council-bulk-form")

    for name in ("Utrecht", "Zwolle", "Amersfoort"):
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Maak raadsinformatiebrieven").click()

    # Amersfoort is named with its reason; the two others are queued and followed.
    expect(page.get_by_text("Amersfoort: geen raadsinformatiebrief aangevraagd.")).to_be_visible()
    expect(
        page.get_by_text("De raadsinformatiebrief is aangevraagd voor 2 gemeenten.")
    ).to_be_visible()
    bar = page.locator("progress#bulk-progress")
    expect(
        page.get_by_text(re.compile(r"^[01] van 2 raadsinformatiebrieven klaar"))
    ).to_be_visible()
    assert int(bar.get_attribute("value")) < 100
    assert_accessible(page, "council-bulk-running")
    expect(page.get_by_text("2 van 2 raadsinformatiebrieven klaar")).to_be_visible(timeout=90_000)
    expect(bar).to_have_attribute("value", "100")
    jobs = ReportJob.objects.filter(kind=ReportJob.Kind.COUNCIL).order_by("municipality__name")
    assert [(j.municipality.name, j.status) for j in jobs] == [
        ("Utrecht", "done"),
        ("Zwolle", "done"),
    ]
    assert_accessible(page, "council-bulk-done")

    # The letter itself, as HTML.
    page.get_by_role("link", name="HTML Zwolle").click()
    expect(page.get_by_text("Aan de gemeenteraad van Zwolle")).to_be_visible()
    expect(page.get_by_role("heading", name="Wat doorgaat, verandert of stopt")).to_be_visible()
    for title, *_rest in GOALS:
        expect(page.get_by_role("rowheader", name=re.compile(re.escape(title)))).to_be_visible()
    assert_accessible(page, "council-letter-html")


@pytest.fixture
def officer(transactional_db):
    municipality = MunicipalityFactory(name="Utrecht", slug="utrecht", cbs_code="GM0344")
    user = UserFactory(email="beleid@raad.test")
    MembershipFactory(user=user, municipality=municipality, role=Role.POLICY_OFFICER)
    council_fill(municipality, user=user)
    return user


def test_officer_requests_the_letter_from_the_reports_page(page, officer, worker):
    login(page, officer.email, TEST_PASSWORD)
    page.goto("/g/utrecht/rapportages/")
    expect(page.get_by_role("heading", name="Raadsinformatiebrief (evaluatie)")).to_be_visible()
    assert_accessible(page, "council-request-form")
    page.get_by_label("Cyclus").select_option(label="NPO 2023–2025")
    page.get_by_label("Kenmerk van de brief").fill("RIB-2026-117")
    page.get_by_label("Naam van de burgemeester").fill("S. Dijksma")
    page.get_by_role("button", name="Maak raadsinformatiebrief").click()
    expect(
        page.get_by_text("Raadsinformatiebrief (evaluatie) versie 1 is aangevraagd.")
    ).to_be_visible()
    # htmx polls the progress on the same page until the letter is done.
    expect(page.get_by_role("link", name="Bekijk de HTML-versie")).to_be_visible(timeout=90_000)
    assert_accessible(page, "council-request-done")
    page.get_by_role("link", name="Bekijk de HTML-versie").click()
    expect(page.get_by_text("RIB-2026-117")).to_be_visible()
    expect(page.get_by_text("S. Dijksma")).to_be_visible()
