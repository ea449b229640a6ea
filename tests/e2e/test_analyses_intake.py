"""Bulk intake in the browser: download the template, fill it in, see the preview with a row
error, fix it, confirm, and find the schools in the overview. Accessible (axe) on every page."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from analyses.intake import FIRST_DATA_ROW, columns
from analyses.models import AnalysisStatus, SchoolAnalysis
from municipalities.models import Role
from tests.analyses.factories import open_cycle
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory, SchoolFactory

COLS = {c.key: i + 1 for i, c in enumerate(columns())}


@pytest.fixture
def setup(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    open_cycle(utrecht)
    SchoolFactory(municipality=utrecht, name="Basisschool Aa", vestigingscode="11AA00")
    SchoolFactory(municipality=utrecht, name="Basisschool Bb", vestigingscode="22BB00")
    MembershipFactory(municipality=utrecht, role=Role.ADVISOR, user__email="adviseur@advies.nl")
    return utrecht


def filled(template: bytes, share_for_bb) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.active
    for row, share in ((FIRST_DATA_ROW, 20), (FIRST_DATA_ROW + 1, share_for_bb)):
        for key, column in COLS.items():
            if key.startswith("delay_"):
                sheet.cell(row=row, column=column, value="groot")
            elif key.startswith("share_"):
                sheet.cell(row=row, column=column, value=share)
    sheet.cell(row=FIRST_DATA_ROW, column=COLS["need_inhalen"], value="<b>Bijles</b>")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_advisor_imports_analyses_in_bulk(page, setup):
    login(page, "adviseur@advies.nl", TEST_PASSWORD)
    page.goto("/g/utrecht/schoolanalyses/")
    page.get_by_role("link", name="Bulkinvoer met Excel-sjabloon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bulkinvoer schoolanalyses")
    assert_accessible(page, "analyses-intake")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download het Excel-sjabloon van Utrecht").click()
    template = Path(download_info.value.path()).read_bytes()

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    page.get_by_label("Ingevuld sjabloon (XLSX)").set_input_files(
        {"name": "ingevuld.xlsx", "mimeType": xlsx, "buffer": filled(template, 250)}
    )
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.get_by_role("alert")).to_contain_text("Het bestand bevat 5 fouten")
    expect(page.get_by_text("250 ligt buiten het bereik 0 tot en met 100").first).to_be_visible()
    assert_accessible(page, "analyses-intake-preview-error")
    assert not SchoolAnalysis.objects.exists()

    page.get_by_role("link", name="Terug naar de bulkinvoer").click()
    page.get_by_label("Ingevuld sjabloon (XLSX)").set_input_files(
        {"name": "ingevuld.xlsx", "mimeType": xlsx, "buffer": filled(template, 35)}
    )
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.get_by_text("Alle 2 rijen zijn in orde.")).to_be_visible()
    assert_accessible(page, "analyses-intake-preview")
    page.get_by_role("button", name="Lees 2 schoolanalyses in").click()
    expect(page.get_by_role("status")).to_contain_text("2 schoolanalyses ingelezen.")
    expect(page.get_by_text("2 van 2 schoolvestigingen ingediend (100%)")).to_be_visible()
    assert SchoolAnalysis.objects.filter(status=AnalysisStatus.SUBMITTED).count() == 2
