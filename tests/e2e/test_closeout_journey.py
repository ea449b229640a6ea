"""Browser journey of issue 16's close-out: a policy officer resolves the blocking checks (two
spending rows with a prestatiedatum outside the window), a second editor marks the final
accounting gecontroleerd, the officer records the college decision (definitief) and downloads
the SiSa overview as ODS; a viewer reads the workspace but cannot sign off or build files.
The workspace is checked with axe at the start and at the end."""

import datetime
from decimal import Decimal

import pandas as pd
from django.conf import settings
from playwright.sync_api import expect

from budgets.models import Spending
from closeout.models import FinalAccounting, LedgerAmount
from municipalities.models import Role
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory, UserFactory
from tests.reports.closeout_data import closeout_fill

WORKSPACE = "/g/utrecht/eindverantwoording/npo-gemeenten/"


def _member(municipality, role, email):
    return MembershipFactory(
        municipality=municipality, role=role, user=UserFactory(email=email)
    ).user


def _fix_prestatiedatum(page, spending: Spending, new: datetime.date) -> None:
    """From the blocking check, through its link to the spending list, to the row's form."""
    page.goto(WORKSPACE)
    with page.expect_navigation():
        page.get_by_test_id("blocking-checks").get_by_role(
            "link", name="Naar de realisatie"
        ).click()
    with page.expect_navigation():
        page.get_by_role("link", name=f"Wijzigen {spending.description}", exact=True).click()
    page.get_by_label("Prestatiedatum").fill(new.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()


def test_close_out_from_blocking_checks_to_the_sisa_file(page, transactional_db):
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = _member(utrecht, Role.POLICY_OFFICER, "beleid@x.nl")
    checker = _member(utrecht, Role.POLICY_OFFICER, "controle@x.nl")
    viewer = _member(utrecht, Role.VIEWER, "lezer@x.nl")
    accounting = closeout_fill(utrecht, user=officer)
    # The grootboek already holds the two rows in the years they belong to.
    LedgerAmount.objects.filter(accounting=accounting, year=2021).update(amount=Decimal("13500"))
    LedgerAmount.objects.filter(accounting=accounting, year=2025).update(amount=Decimal("47000.05"))
    outside = list(
        Spending.objects.filter(
            performance_date__in=[datetime.date(2021, 6, 30), datetime.date(2025, 8, 1)]
        ).order_by("performance_date")
    )

    # The officer sees what blocks the sign-off and fixes it where the check links to.
    login(page, officer.email, TEST_PASSWORD)
    page.goto(WORKSPACE)
    blocking = page.get_by_test_id("blocking-checks")
    expect(blocking).to_contain_text("buiten de termijn")
    assert_accessible(page, "closeout-workspace-blocking")
    _fix_prestatiedatum(page, outside[0], datetime.date(2021, 7, 1))
    _fix_prestatiedatum(page, outside[1], datetime.date(2025, 7, 31))
    page.goto(WORKSPACE)
    expect(page.get_by_test_id("no-blocking-checks")).to_be_visible()
    expect(page.get_by_role("button", name="Markeer als gecontroleerd")).to_be_visible()

    # A second editor checks it (the officer prepared it, so may not).
    page.context.clear_cookies()
    login(page, checker.email, TEST_PASSWORD)
    page.goto(WORKSPACE)
    with page.expect_navigation():
        page.get_by_role("button", name="Markeer als gecontroleerd").click()
    expect(page.get_by_test_id("status")).to_have_text("Gecontroleerd")

    # The officer records the college decision and downloads the SiSa overview.
    page.context.clear_cookies()
    login(page, officer.email, TEST_PASSWORD)
    page.goto(WORKSPACE)
    page.get_by_label("Datum collegebesluit").fill("2026-06-16")
    page.get_by_label("Kenmerk collegebesluit").fill("B&W 2026/412")
    with page.expect_navigation():
        page.get_by_role("button", name="Maak definitief").click()
    expect(page.get_by_test_id("status")).to_have_text("Definitief")
    accounting = FinalAccounting.objects.get(pk=accounting.pk)
    assert accounting.status == "definitief" and len(accounting.snapshot_sha256) == 64

    files = page.locator("#bestanden")
    with page.expect_navigation():
        files.get_by_role("button", name="Maak SiSa-overzicht").click()
    link = page.locator("#bestanden").get_by_role("link", name="ODS (OpenDocument) versie 1")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "sisa-utrecht-npo-gemeenten-v1.ods"
    sheet = pd.read_excel(download.value.path(), sheet_name="SiSa-overzicht", engine="odf")
    computed = sheet["Besteding ten laste van rijksmiddelen in jaar T (berekend)"]
    assert Decimal(str(computed.sum())).quantize(Decimal("0.01")) == Decimal("240500.15")
    assert list(sheet["Eindverantwoording"])[-1] == "ja"
    assert_accessible(page, "closeout-workspace-definitief")

    # A viewer reads the same workspace, and may neither sign off nor build files.
    page.context.clear_cookies()
    login(page, viewer.email, TEST_PASSWORD)
    page.goto(WORKSPACE)
    expect(page.get_by_test_id("status")).to_have_text("Definitief")
    expect(page.get_by_test_id("sha256")).to_have_text(accounting.snapshot_sha256)
    expect(page.get_by_role("button", name="Heropenen")).to_have_count(0)
    expect(page.get_by_role("button", name="Maak SiSa-overzicht")).to_have_count(0)
    expect(
        page.locator("#bestanden").get_by_role("link", name="ODS (OpenDocument) versie 1")
    ).to_be_visible()
    token = next(
        c["value"] for c in page.context.cookies() if c["name"] == settings.CSRF_COOKIE_NAME
    )
    refused = page.request.post(f"{WORKSPACE}gecontroleerd/", form={"csrfmiddlewaretoken": token})
    assert refused.status == 403
