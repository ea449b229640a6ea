"""A policy officer records the vaststelling with its letter; the stream closes, the spending form
becomes read-only; an accountant reads the letters and downloads one. Accessible (axe) throughout."""

from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from budgets.models import Beschikking, Spending
from municipalities.models import FormerMunicipality, Role
from tests.budgets.factories import SpendingFactory, SpendingGoalFactory
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_vaststelling_closes_the_stream_and_the_accountant_reads_the_letter(
    page, transactional_db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "private"
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    FormerMunicipality.objects.create(
        cbs_code="GM0001", name="Vleuten-De Meern", successor=utrecht, merged_on="2001-01-01"
    )
    officer = MembershipFactory(
        municipality=utrecht, role=Role.POLICY_OFFICER, user=UserFactory(email="beleid@x.nl")
    ).user
    accountant = MembershipFactory(
        municipality=utrecht,
        role=Role.ACCOUNTANT,
        user=UserFactory(email="acc@x.nl"),
        valid_until=timezone.localdate().replace(year=timezone.localdate().year + 1),
    ).user
    spending = SpendingFactory(
        spending_goal=SpendingGoalFactory(municipality=utrecht), description="Bijles oktober"
    )

    login(page, officer.email, TEST_PASSWORD)
    page.goto("/g/utrecht/budget/")
    page.get_by_role("navigation", name="Budget").get_by_role("link", name="Beschikkingen").click()
    page.get_by_role("link", name="Beschikking toevoegen").click()
    page.get_by_label("Geldstroom").select_option(label="NPO gemeenten")
    page.get_by_label("Vaststelling").check()
    page.get_by_label("Datum").fill("2027-11-01")
    page.get_by_label("Kenmerk").fill("VS-2027-8")
    page.get_by_label("Gericht aan").select_option(label="Vleuten-De Meern (GM0001)")
    page.get_by_label("Bedrag", exact=True).fill("250.000")
    page.get_by_label("Vastgesteld bedrag").fill("240.000")
    page.get_by_label("Terugvordering").fill("10.000")
    page.get_by_label("Beschikking (pdf)").set_input_files(
        {"name": "vaststelling.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    assert_accessible(page, "beschikking-form")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("is nu afgesloten voor deze gemeente")
    expect(page.get_by_test_id("frozen-npo-gemeenten")).to_contain_text("Afgesloten")
    expect(page.get_by_role("table")).to_contain_text("Vleuten-De Meern")
    assert_accessible(page, "beschikkingen-list")
    assert Beschikking.objects.get().final_amount == Decimal("240000.00")

    page.get_by_role("navigation", name="Budget").get_by_role("link", name="Realisatie").click()
    expect(page.get_by_test_id("frozen")).to_contain_text("afgesloten sinds")
    page.get_by_role("link", name="Bekijken Bijles oktober").click()
    expect(page.get_by_test_id("frozen")).to_contain_text("kun je niet meer")
    expect(page.get_by_role("button", name="Opslaan")).to_have_count(0)
    expect(page.get_by_label("Omschrijving")).to_be_disabled()
    assert_accessible(page, "spending-frozen")
    assert Spending.objects.get().amount == spending.amount

    page.context.clear_cookies()
    login(page, accountant.email, TEST_PASSWORD)
    page.goto("/g/utrecht/budget/beschikkingen/")
    expect(page.get_by_role("link", name="Beschikking toevoegen")).to_have_count(0)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download vaststelling.pdf").click()
    assert info.value.suggested_filename == "vaststelling.pdf"
