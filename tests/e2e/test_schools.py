"""Scholen (live search typed in the browser) and the partner form, with axe checks."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from municipalities.models import Municipality, Role
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory
from tests.schools.test_import import FIXTURES


@pytest.fixture
def officer(transactional_db):
    call_command("load_reference_data", dir=str(FIXTURES), stdout=StringIO(), stderr=StringIO())
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    return MembershipFactory(municipality=utrecht, role=Role.POLICY_OFFICER).user


def test_school_list_live_search_typed_in_the_browser(page, officer):
    login(page, officer.email, TEST_PASSWORD)
    page.goto("/g/utrecht/scholen/")
    table = page.locator("#school-results")
    expect(table).to_contain_text("4 schoolvestigingen gevonden")
    expect(table).to_contain_text("Utrechts Lyceum")
    assert_accessible(page, "schools-list")

    page.get_by_role("searchbox", name="Zoeken").press_sequentially("café", delay=40)

    expect(table).to_contain_text("2 schoolvestigingen gevonden")
    expect(table).not_to_contain_text("Utrechts Lyceum")
    expect(page).to_have_url(re.compile(r"q=caf"))  # the search is in the URL (shareable)
    page.get_by_label("Sector").select_option("SBO")
    expect(table).to_contain_text("Geen schoolvestigingen gevonden")
    assert_accessible(page, "schools-list-searched")

    page.get_by_role("searchbox", name="Zoeken").fill("")
    page.get_by_label("Sector").select_option("")
    page.get_by_role("link", name="Kindcentrum Café Noord", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kindcentrum Café Noord")
    expect(page.get_by_role("img", name="Leerlingen per jaar (1 oktober)")).to_be_visible()
    assert_accessible(page, "school-detail")


def test_partner_form_creates_a_partner_linked_to_schools(page, officer):
    login(page, officer.email, TEST_PASSWORD)
    page.goto("/g/utrecht/partners/")
    page.get_by_role("link", name="Partner toevoegen").click()
    assert_accessible(page, "partner-form")

    page.get_by_role("button", name="Opslaan").click()  # empty: errors, announced
    expect(page.get_by_role("alert")).to_contain_text("Controleer het formulier")
    assert_accessible(page, "partner-form-errors")

    page.get_by_label("Naam", exact=True).fill("Bibliotheek Utrecht")
    page.get_by_label("Soort").select_option(label="Bibliotheek")
    page.get_by_role("textbox", name="Contactpersoon (optioneel)", exact=True).fill("Noor Jansen")
    # The schools are a checkbox list with a search field (core.widgets.CheckboxPicker).
    search = page.get_by_role("searchbox", name="Zoek een school")
    search.fill("brug")
    expect(page.get_by_text("1 van 4 getoond, 0 gekozen")).to_be_visible()
    expect(page.get_by_label("Kindcentrum Café Noord (02BB00)")).to_be_hidden()
    page.get_by_label("SBO De Brug (06FF00)").check()
    search.press("Enter")  # filters only: the form is not sent
    search.fill("cafe")  # accents do not matter
    page.get_by_label("Kindcentrum Café Noord (02BB00)").check()
    expect(page.get_by_text("2 van 4 getoond, 2 gekozen")).to_be_visible()
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("Bibliotheek Utrecht toegevoegd")
    # Announced: repeated in a live region after the page has loaded (static/js/app.js).
    expect(page.locator("#announcer")).to_contain_text("Bibliotheek Utrecht toegevoegd")
    row = page.get_by_role("row", name=re.compile("Bibliotheek Utrecht"))
    expect(row).to_contain_text("SBO De Brug")
    assert_accessible(page, "partner-list")

    row.get_by_role("button", name=re.compile("Deactiveren")).click()
    expect(page.get_by_role("status")).to_contain_text("gedeactiveerd")
    expect(page.get_by_role("row", name=re.compile("Bibliotheek Utrecht"))).to_have_count(0)
