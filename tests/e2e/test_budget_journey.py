"""A policy officer records an allocation, plans a spending goal, records a commitment and a
payment, sees the overview change and downloads the XLSX — accessible (axe) on every page."""

import io
import re
from decimal import Decimal

import pandas as pd
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cycles.models import Cycle
from municipalities.demo import DEMO_PASSWORD
from municipalities.models import Municipality
from tests.budgets.factories import CycleFactory
from tests.e2e.conftest import assert_accessible, login


def euros(text: str) -> Decimal:
    """'€ 1.234,56' -> Decimal('1234.56')."""
    return Decimal(text.replace("€", "").strip().replace(".", "").replace(",", "."))


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--force", verbosity=0)
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    if not Cycle.objects.for_municipality(utrecht).open().exists():
        CycleFactory(municipality=utrecht, title="NPO-cyclus 2023-2025")
    return utrecht


def test_policy_officer_budget_journey(page, demo):
    login(page, "beleid@utrecht.demo", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Budget").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget")
    # The demo seeder may already have put money in Utrecht's budget: compare with what is there.
    before = {
        key: euros(page.get_by_test_id(f"total-{key}").inner_text())
        for key in ("allocated", "planned", "committed", "spent")
    }
    assert_accessible(page, "budget-overview-before")

    # 1. An allocation, typed the Dutch way; a wrong amount first gets a Dutch error.
    page.get_by_role("link", name="Toekenningen").first.click()
    page.get_by_role("link", name="Toekenning toevoegen").click()
    page.get_by_label("Geldstroom").select_option(label="NPO gemeenten")
    page.get_by_label("Periode").fill("2023-2024")
    page.get_by_label("Bedrag").fill("12,34,5")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("meer dan één decimaalteken")
    assert_accessible(page, "budget-allocation-error")
    page.get_by_label("Bedrag").fill("250.000,00")
    page.get_by_label("Kenmerk beschikking").fill("BS-2023-0042")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("De toekenning is opgeslagen.")
    expect(page.get_by_role("table")).to_contain_text("BS-2023-0042")
    assert_accessible(page, "budget-allocations")

    # 2. A spending goal with a planned amount.
    page.get_by_role("navigation", name="Budget").get_by_role(
        "link", name="Bestedingsdoelen"
    ).click()
    page.get_by_role("link", name="Bestedingsdoel toevoegen").click()
    page.get_by_label("Categorie").select_option(value="inhalen")
    page.get_by_label("Onderdeel").select_option(value="bijles")
    page.get_by_label("Titel").fill("Bijles rekenen groep 7 en 8")
    row = page.get_by_role("group", name="Regel 1")
    row.get_by_label("Geldstroom").select_option(label="NPO gemeenten")
    row.get_by_label("Periode").fill("2023-2024")
    row.get_by_label("Gepland bedrag").fill("100.000")
    assert_accessible(page, "budget-spending-goal-form")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("table")).to_contain_text("Bijles rekenen groep 7 en 8")
    expect(page.get_by_role("table")).to_contain_text("€ 100.000,00")

    # 3. A commitment and a payment.
    for section, button, amount, text in [
        ("Verplichtingen", "Verplichting vastleggen", "80.000,00", "Opdracht bijlesbureau"),
        ("Realisatie", "Betaling vastleggen", "12.345,67", "Factuur bijles oktober"),
    ]:
        page.get_by_role("navigation", name="Budget").get_by_role("link", name=section).click()
        page.get_by_role("link", name=button).click()
        page.get_by_label("Boekdatum").fill("2023-10-15")
        page.get_by_label("Bedrag").fill(amount)
        page.get_by_label("Geldstroom").select_option(label="NPO gemeenten")
        page.get_by_label("Bestedingsdoel").select_option(label="Bijles rekenen groep 7 en 8")
        page.get_by_label("Omschrijving").fill(text)
        page.get_by_role("button", name="Opslaan").click()
        new_row = page.get_by_role("row").filter(has_text=text)
        expect(new_row).to_contain_text(f"€ {amount}")
        assert_accessible(page, f"budget-{section.lower()}")

    # 4. The overview changed.
    page.get_by_role("navigation", name="Budget").get_by_role("link", name="Overzicht").click()
    added = {
        "allocated": Decimal("250000.00"),
        "planned": Decimal("100000.00"),
        "committed": Decimal("80000.00"),
        "spent": Decimal("12345.67"),
    }
    for key, amount in added.items():
        assert euros(page.get_by_test_id(f"total-{key}").inner_text()) == before[key] + amount
    expect(page.locator("#stream-table")).to_contain_text("Bovenschoolse maatregelen")
    expect(page.get_by_role("img", name=re.compile("Cumulatief"))).to_be_visible()
    assert_accessible(page, "budget-overview-after")

    # The projection date updates the overview in place (htmx) and keeps working as a link.
    page.get_by_label("Peildatum voor de prognose").fill("2024-07-31")
    page.get_by_role("button", name="Toon").click()
    expect(page).to_have_url(re.compile(r"peildatum=2024-07-31"))
    expect(page.locator("#stream-table")).to_contain_text("Prognose")

    # 5. Download the XLSX and read it back.
    with page.expect_download() as info:
        page.get_by_role("link", name="Alles als Excel (XLSX)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        sheets = pd.read_excel(io.BytesIO(handle.read()), sheet_name=None, dtype=object)
    spending = sheets["Realisatie"]
    mine = spending[spending["Omschrijving"] == "Factuur bijles oktober"]
    assert [str(v) for v in mine["Bedrag"]] == ["12345.67"]
    total = sum((Decimal(str(v)) for v in spending["Bedrag"]), Decimal("0"))
    assert total.quantize(Decimal("0.01")) == before["spent"] + added["spent"]
