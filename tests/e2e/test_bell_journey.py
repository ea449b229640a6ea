"""In the browser: the bell in the header shows the unread count (htmx), the list opens a
notification (marked read) and 'Alles gelezen' clears the count; axe on the list and the
unsubscribe page."""

import datetime

from playwright.sync_api import expect

from municipalities.models import Role
from notifications.mailing import unsubscribe_token
from notifications.models import Kind, Notification
from tests.e2e.conftest import SCREENSHOTS as SHOTS
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory, UserFactory


def test_the_bell_the_list_and_alles_gelezen(page, transactional_db):
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = UserFactory(email="beleid@utrecht.example", display_name="Fatima el Amrani")
    MembershipFactory(user=officer, municipality=utrecht, role=Role.POLICY_OFFICER)
    for n, title in enumerate(
        ["Fase Data staat al 9 weken stil (4D-cyclus 2026-2027)", "Weekoverzicht Utrecht"]
    ):
        Notification.objects.create(
            municipality=utrecht,
            user=officer,
            kind=Kind.PHASE_STALLED if n == 0 else Kind.WEEKLY_SUMMARY,
            key=f"e2e:{n}",
            day=datetime.date(2027, 1, 4),
            title=title,
            text="- 2 schoolanalyses ontvangen.\n- 0 faseovergangen.",
            url="/g/utrecht/",
        )

    login(page, officer.email, TEST_PASSWORD)
    page.goto("/g/utrecht/")
    bell = page.get_by_role("link", name="Meldingen 2 ongelezen")
    expect(bell).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "bell-header.png"))
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "notification-list.png"), full_page=True)

    page.get_by_role("link", name="Weekoverzicht Utrecht").click()
    page.wait_for_url("**/g/utrecht/")
    expect(page.get_by_role("link", name="Meldingen 1 ongelezen")).to_be_visible()

    page.goto("/meldingen/")
    page.get_by_role("button", name="Alles gelezen").click()
    expect(page.get_by_text("Alle meldingen zijn gelezen.")).to_be_visible()
    expect(page.get_by_role("link", name="Meldingen", exact=True)).to_be_visible()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_unsubscribe_page_has_one_button(page, transactional_db):
    user = UserFactory(email="ib@linde.example")
    token = unsubscribe_token(user_id=user.pk, kinds=[Kind.ANALYSIS_DUE])
    page.goto(f"/meldingen/afmelden/{token}/")
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "unsubscribe.png"), full_page=True)
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_text("Je bent afgemeld.")).to_be_visible()
    page.screenshot(path=str(SHOTS / "unsubscribed.png"), full_page=True)
