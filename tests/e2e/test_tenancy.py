"""Browser journeys for tenancy: switching municipalities, the Team page, accepting an invitation."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from municipalities.models import Membership, Role
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory, UserFactory

NEW_PASSWORD = "Een-lang-en-goed-wachtwoord-2026"


@pytest.fixture
def towns(transactional_db):
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    zwolle = MunicipalityFactory(
        name="Zwolle", cbs_code="GM0193", slug="zwolle", province="Overijssel"
    )
    return utrecht, zwolle


def test_advisor_switches_between_municipalities(page, towns):
    utrecht, zwolle = towns
    advisor = UserFactory(email="adviseur@example.nl", display_name="Jeroen de Vries")
    MembershipFactory(user=advisor, municipality=utrecht, role=Role.ADVISOR)
    MembershipFactory(user=advisor, municipality=zwolle, role=Role.ADVISOR)

    login(page, advisor.email, TEST_PASSWORD)
    # Where an advisor lands after login (Mijn gemeenten or a portfolio) is not this journey's
    # subject: start in Utrecht and switch with the header switcher.
    page.goto("/g/utrecht/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Utrecht")

    switcher = page.get_by_role("navigation", name="Gebruikersmenu")
    switcher.get_by_text("Wissel van gemeente").click()
    assert_accessible(page, "tenancy-switcher-open")
    switcher.get_by_role("link", name="Zwolle").click()
    expect(page).to_have_url(re.compile(r"/g/zwolle/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zwolle")
    expect(page.locator(".page-header__municipality")).to_have_text("Zwolle")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Team").click()
    expect(page).to_have_url(re.compile(r"/g/zwolle/team/$"))
    assert_accessible(page, "tenancy-team-advisor")


def test_viewer_sees_no_edit_buttons_on_the_team_page(page, towns):
    utrecht, _ = towns
    viewer = MembershipFactory(
        municipality=utrecht, role=Role.VIEWER, user=UserFactory(email="wethouder@example.nl")
    ).user
    MembershipFactory(municipality=utrecht, role=Role.POLICY_OFFICER)

    login(page, viewer.email, TEST_PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team")
    expect(page.get_by_role("table").first).to_contain_text("Beleidsmedewerker")
    main = page.get_by_role("main")
    expect(main.get_by_role("button")).to_have_count(0)
    expect(main.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("link", name="Activiteitenlog")).to_have_count(0)
    assert_accessible(page, "tenancy-team-viewer")


def test_officer_invites_and_the_invitee_accepts_via_the_link(page, browser, live_server, towns):
    utrecht, _ = towns
    officer = MembershipFactory(
        municipality=utrecht, role=Role.POLICY_OFFICER, user=UserFactory(email="beleid@example.nl")
    ).user

    login(page, officer.email, TEST_PASSWORD)
    page.goto("/g/utrecht/team/")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_role("alert")).to_contain_text("Controleer het formulier")
    assert_accessible(page, "tenancy-invite-errors")

    page.get_by_label("E-mailadres").fill("nieuw@example.nl")
    page.get_by_label("Rol", exact=True).select_option(label="Meelezer")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Uitnodiging verstuurd naar nieuw@example.nl"
    )
    expect(page.get_by_role("table").nth(1)).to_contain_text("nieuw@example.nl")
    assert_accessible(page, "tenancy-team-officer")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/uitnodiging/\S+/", mail.outbox[0].body).group(0)

    invitee = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
    errors = []
    invitee.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Uitnodiging voor Utrecht")
    assert_accessible(invitee, "tenancy-accept")
    invitee.get_by_label("Je naam").fill("Nina Nieuw")
    invitee.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    invitee.get_by_label("Nieuw wachtwoord bevestigen").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Account aanmaken en uitnodiging accepteren").click()
    expect(invitee).to_have_url(re.compile(r"/g/utrecht/$"))
    expect(invitee.get_by_role("status").first).to_contain_text("Welkom bij Utrecht")
    assert_accessible(invitee, "tenancy-accepted")
    assert Membership.objects.get(user__email="nieuw@example.nl").role == Role.VIEWER

    assert not errors, errors
    # The link works once (the refusal is a 410 page, which the console reports).
    response = invitee.goto(link)
    assert response.status == 410
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Deze uitnodiging is niet geldig")
    invitee.context.close()


def test_officer_reads_and_filters_the_activity_log(page, towns):
    utrecht, _ = towns
    officer = MembershipFactory(
        municipality=utrecht, role=Role.POLICY_OFFICER, user=UserFactory(email="beleid@example.nl")
    ).user
    viewer = MembershipFactory(municipality=utrecht, role=Role.VIEWER).user

    login(page, officer.email, TEST_PASSWORD)
    page.goto("/g/utrecht/team/")
    page.get_by_role("button", name=f"Toegang beëindigen voor {viewer.email}").click()
    expect(page.get_by_role("status").first).to_contain_text("heeft geen toegang meer")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Activiteitenlog"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activiteitenlog")
    table = page.get_by_role("table")
    expect(table).to_contain_text("lidmaatschap beëindigd")
    expect(table).to_contain_text("Beëindigd op")
    assert_accessible(page, "tenancy-activity-log")

    page.get_by_label("Actie").select_option(label="Ingelogd")
    page.get_by_role("button", name="Filteren").click()
    expect(page).to_have_url(re.compile(r"action=login"))
    expect(table).to_contain_text("ingelogd")
    expect(table).not_to_contain_text("lidmaatschap beëindigd")


def test_officer_changes_a_viewers_role_on_the_team_page(page, towns):
    utrecht, _ = towns
    officer = MembershipFactory(
        municipality=utrecht, role=Role.POLICY_OFFICER, user=UserFactory(email="beleid@example.nl")
    ).user
    viewer = MembershipFactory(
        municipality=utrecht,
        role=Role.VIEWER,
        user=UserFactory(email="anna@example.nl", display_name="Anna Smit"),
    )

    login(page, officer.email, TEST_PASSWORD)
    page.goto("/g/utrecht/team/")
    # No role form on the officer's own row: the only one is Anna's.
    expect(page.get_by_role("button", name="Wijzig rol")).to_have_count(1)
    select = page.get_by_label("Rol van Anna Smit")
    expect(select).to_have_value("viewer")
    select.select_option(label="Beleidsmedewerker")
    page.get_by_role("button", name="Wijzig rol van anna@example.nl").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "De rol van Anna Smit is nu Beleidsmedewerker."
    )
    expect(page.get_by_label("Rol van Anna Smit")).to_have_value("policy_officer")
    assert_accessible(page, "team-role")
    viewer.refresh_from_db()
    assert viewer.role == Role.POLICY_OFFICER
