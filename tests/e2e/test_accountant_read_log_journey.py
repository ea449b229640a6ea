"""Browser journey of issue 18's accountant role and read log: a policy officer invites an
accountant with an end date, the accountant sees the budget and not the team, and the officer
finds both reads in the Leeslog. Pages checked with axe."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from municipalities.models import Invitation, Role
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory, UserFactory


def test_officer_invites_an_accountant_and_reads_the_read_log(page, transactional_db):
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = MembershipFactory(
        municipality=utrecht, role=Role.POLICY_OFFICER, user=UserFactory(email="beleid@x.nl")
    ).user
    accountant = MembershipFactory(
        municipality=utrecht, role=Role.ACCOUNTANT, user=UserFactory(email="acc@x.nl")
    ).user

    login(page, officer.email, TEST_PASSWORD)
    page.goto("/g/utrecht/team/")
    form = page.locator("form[action$='/team/uitnodigen/']")
    form.get_by_label("E-mailadres").fill("nieuw@x.nl")
    form.get_by_label("Rol").select_option("accountant")
    with page.expect_navigation():
        form.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator("#id_valid_until_error")).to_contain_text("Geef aan tot en met welke datum")
    last_day = timezone.localdate() + timedelta(days=180)
    page.get_by_label("Toegang tot en met").fill(last_day.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Uitnodiging versturen").click()
    assert Invitation.objects.get(email="nieuw@x.nl").valid_until == last_day
    assert_accessible(page, "team-with-accountant")

    page.context.clear_cookies()
    login(page, accountant.email, TEST_PASSWORD)
    page.goto("/g/utrecht/")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Budget")).to_be_visible()
    expect(nav.get_by_role("link", name="Team")).to_have_count(0)
    page.goto("/g/utrecht/budget/")
    with page.expect_download():
        page.locator("a[href$='verantwoording.xlsx']").first.click()

    page.context.clear_cookies()
    login(page, officer.email, TEST_PASSWORD)
    page.goto("/g/utrecht/leeslog/")
    table = page.get_by_role("table")
    expect(table.get_by_text("acc@x.nl")).to_be_visible()
    expect(table.get_by_text("beleid@x.nl").first).to_be_visible()
    assert_accessible(page, "read-log")
