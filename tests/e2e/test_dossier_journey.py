"""Browser journey of the dossier (Playwright + axe): an officer asks for the archive dossier with
the schools' attachments from the final accounting's files, follows it to done and downloads the
ZIP (its manifest checks out); the accountant sees only the button for the accountant's version
and no archive dossier."""

import datetime
import os
from pathlib import Path

from playwright.sync_api import expect

from municipalities.models import Role
from reports.models import ReportJob
from tests.analyses.factories import SchoolAnalysisFactory, attachment_for, open_cycle
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory, SchoolFactory
from tests.reports.closeout_data import closeout_fill
from tests.reports.dossier_helpers import manifest_checked, open_zip

SHOTS = Path(os.environ.get("DOSSIER_SHOTS", "var/screenshots"))


def _shot(browser_page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.locator("#bestanden").screenshot(path=str(SHOTS / f"{name}.png"))


def test_officer_makes_and_downloads_the_archive_dossier(page, transactional_db):
    municipality = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER).user
    closeout_fill(municipality, user=officer)
    analysis = SchoolAnalysisFactory(
        school=SchoolFactory(municipality=municipality, name="De Regenboog"),
        cycle=open_cycle(municipality),
        complete=True,
    )
    attachment_for(analysis, name="Analyse De Regenboog.pdf")
    accountant = MembershipFactory(
        municipality=municipality,
        role=Role.ACCOUNTANT,
        valid_until=datetime.date.today() + datetime.timedelta(days=60),
    ).user

    login(page, officer.email, TEST_PASSWORD)
    page.goto("/g/utrecht/rapportages/eindverantwoording/npo-gemeenten/")
    assert_accessible(page, "dossier-officer-before")
    page.get_by_role("radio", name="Voor het archief").check()
    page.get_by_label("Met bijlagen van scholen (alleen voor het archief)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Maak dossier", exact=True).click()
    expect(page.get_by_text("is aangevraagd")).to_be_visible()
    link = page.get_by_role("link", name="ZIP versie 1")
    expect(link).to_be_visible()
    expect(page.get_by_text("voor het archief, met bijlagen van scholen")).to_be_visible()
    _shot(page, "dossier-officer-done")
    assert_accessible(page)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "dossier-utrecht-npo-gemeenten-v1.zip"
    archive = open_zip(Path(download.path()).read_bytes())
    manifest_checked(archive)
    assert any(n.startswith("09-bijlagen-schoolanalyses/") for n in archive.namelist())
    assert ReportJob.objects.get(kind="dossier").options["attachments"] is True

    page.context.clear_cookies()
    login(page, accountant.email, TEST_PASSWORD)
    page.goto("/g/utrecht/rapportages/eindverantwoording/npo-gemeenten/")
    expect(page.get_by_role("link", name="ZIP versie 1")).to_have_count(0)
    expect(page.get_by_role("radio")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Maak dossier voor de accountant").click()
    expect(page.get_by_role("link", name="ZIP versie 2")).to_be_visible()
    expect(page.get_by_text("(voor de accountant)")).to_be_visible()
    _shot(page, "dossier-accountant-done")
    assert_accessible(page)
