"""A policy officer walks one 4D cycle from Data to Afgerond in the browser and starts the next
one; axe checks every kind of page.

What this test bypasses, on purpose: the two checklist items other apps own — "gemeentefoto
gegenereerd" (reports) and "budget gepland" (budgets) — are replaced by passing test checks via
cycles' gate registry (fixture ``satisfy_external_checks``), so this journey does not depend on
PDF generation or the budget screens (those have their own journeys). Every other gate item is
satisfied through the pages themselves. The live server runs in this process, so the registry
change applies to it.
"""

import datetime

import pytest
from playwright.sync_api import expect

from cycles.models import Cycle, Phase
from municipalities.models import Role
from tests.cycles.conftest import satisfy_external_checks  # noqa: F401 - fixture
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory


@pytest.fixture
def officer_email(transactional_db):
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    membership = MembershipFactory(municipality=utrecht, role=Role.POLICY_OFFICER)
    return membership.user.email


def advance(page, expected_phase: str):
    page.get_by_role("link", name="Overzicht", exact=True).last.click()
    page.get_by_role("button", name="Naar de volgende fase").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"De cyclus is nu in de fase {expected_phase}"
    )


def test_policy_officer_walks_a_cycle_and_starts_the_next(
    page,
    officer_email,
    satisfy_external_checks,  # noqa: F811
):
    login(page, officer_email, TEST_PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="4D-cyclus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("4D-cycli")
    page.get_by_label("Titel").fill("4D-cyclus 2024-2025")
    page.get_by_label("Begindatum").fill("2024-08-01")
    page.get_by_label("Einddatum").fill("2025-07-31")
    page.get_by_role("button", name="Cyclus starten").click()
    expect(page.get_by_role("status")).to_contain_text("gestart")

    # Data: the gate is closed and the button says why.
    button = page.get_by_role("button", name="Naar de volgende fase")
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(page.locator("#gate-explanation")).to_contain_text("Schoolanalyses")
    assert_accessible(page, "cycle-overview-data")
    # aria-disabled keeps the button focusable and its explanation readable; pressing it anyway
    # gets the same explanation from the server (Playwright needs force for aria-disabled).
    button.click(force=True)
    expect(page.get_by_role("status")).to_contain_text("Nog niet naar de volgende fase")

    page.get_by_role("navigation", name="Onderdelen van deze cyclus").get_by_role(
        "link", name="Data"
    ).click()
    waiver = page.locator("#waiver-form")
    waiver.get_by_label("Schoolanalyses zijn voor deze cyclus niet nodig").check()
    waiver.get_by_label("Reden").fill("De besturen leverden de analyses al aan via het SWV.")
    waiver.get_by_role("button", name="Opslaan").click()  # htmx: the section is swapped
    expect(page.locator("#analyses-section")).to_contain_text("afgezien van schoolanalyses")
    assert_accessible(page, "cycle-data")
    advance(page, "Duiden")

    # Duiden: a session and a prioritised finding, added inline.
    tabs = page.get_by_role("navigation", name="Onderdelen van deze cyclus")
    tabs.get_by_role("link", name="Duiden").click()
    page.get_by_text("Sessie toevoegen").click()
    form = page.locator("#session-add")
    form.get_by_label("Datum").fill("2024-10-01")
    form.get_by_label("Titel").fill("Sessie met besturen en JGZ")
    form.get_by_label("Verslag").fill("Lezen blijft achter in groep 6 tot en met 8.")
    form.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#sessions-section")).to_contain_text("Sessie met besturen en JGZ")
    page.get_by_text("Bevinding toevoegen").click()
    form = page.locator("#finding-add")
    form.get_by_label("Thema").fill("Achterstand begrijpend lezen")
    form.get_by_label("Domein").select_option("taal")
    form.get_by_label("Doelgroep").select_option("po")
    form.get_by_label("Prioriteit").select_option("1")
    form.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#findings-section")).to_contain_text("prioriteit hoog")
    assert_accessible(page, "cycle-duiden")
    advance(page, "Doelen")

    # Going back a phase needs a reason, and shows on the timeline.
    page.get_by_text("Terug naar de vorige fase").click()
    page.get_by_label("Reden om terug te gaan").fill("Nog een sessie met de kinderopvang nodig.")
    page.get_by_role("button", name="Fase terug").click()
    expect(page.get_by_role("status")).to_contain_text("terug in de fase Duiden")
    expect(page.locator(".timeline")).to_contain_text("Nog een sessie met de kinderopvang nodig.")
    page.get_by_role("button", name="Naar de volgende fase").click()

    # Doelen: one SMART goal.
    tabs.get_by_role("link", name="Doelen").click()
    page.get_by_text("Doel toevoegen").click()
    form = page.locator("#goal-add")
    form.get_by_label("Titel").fill("Meer leerlingen op 1F lezen")
    form.get_by_label("Indicator").fill("Aandeel groep 8 op 1F lezen")
    form.get_by_label("Nulmeting").fill("60")
    form.get_by_label("Streefwaarde").fill("70")
    form.get_by_label("Eenheid").fill("%")
    form.get_by_label("Deadline").fill("2025-07-01")
    form.get_by_label("Bestedingsdoel").select_option("inhalen")
    form.get_by_label("Achterstand begrijpend lezen").check()
    form.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#goals-section")).to_contain_text("compleet")
    assert_accessible(page, "cycle-doelen")
    advance(page, "Doen")

    # Doen: an activity with a progress update; progress is computed (60 → 65 of 70 = 50%).
    tabs.get_by_role("link", name="Doen").click()
    page.get_by_role("link", name="Activiteit toevoegen").click()
    form = page.locator("[id$='-activity-add']")
    form.get_by_label("Titel").fill("Tutoring in kleine groepen")
    form.get_by_label("Status").select_option("running")
    form.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#activities-section")).to_contain_text("Tutoring in kleine groepen")
    page.get_by_role("link", name="Voortgang toevoegen").click()
    form = page.locator("[id$='-progress'].form-panel")
    form.get_by_label("Datum").fill("2025-01-15")
    form.get_by_label("Toelichting").fill("Gestart op vier scholen.")
    form.get_by_label("Gemeten waarde").fill("65")
    form.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#activities-section")).to_contain_text("Voortgang: 50%")
    assert_accessible(page, "cycle-doen")
    advance(page, "Evaluatie")

    # Evaluatie: an outcome per goal and the process evaluation with lessons.
    tabs.get_by_role("link", name="Evaluatie").click()
    page.get_by_role("link", name="Resultaat vastleggen").click()
    page.get_by_label("Deels behaald").check()
    page.get_by_label("Toelichting").fill("Helft van de winst geboekt.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#outcomes-section")).to_contain_text("Deels behaald")
    page.get_by_role("link", name="Evaluatie schrijven of bewerken").click()
    form = page.locator("#evaluation-form")
    form.get_by_label("Procesevaluatie").fill("Samenwerking met de besturen liep goed.")
    form.get_by_label("Geleerde lessen").fill("Start eerder met tutoring.")
    form.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#evaluation-section")).to_contain_text("Start eerder met tutoring.")
    assert_accessible(page, "cycle-evaluatie")
    advance(page, "Afgerond")

    # Afgerond: start the next cycle; the unfinished goal and activity come along.
    assert_accessible(page, "cycle-afgerond")
    page.get_by_role("button", name="Start volgende cyclus").click()
    expect(page.get_by_role("status")).to_contain_text("Volgende cyclus gestart")
    expect(page.locator(".phase-badge")).to_have_text("Data")
    expect(page.get_by_text("Lessen uit de vorige cyclus")).to_be_visible()
    assert_accessible(page, "cycle-next-overview")

    old = Cycle.objects.get(phase=Phase.AFGEROND)
    new = Cycle.objects.get(predecessor=old)
    assert old.transitions.count() == 7  # five forward, one back, one forward again
    assert new.phase == Phase.DATA and new.start_date == datetime.date(2025, 8, 1)
    goal = new.goals.get()
    assert goal.carried_over and goal.activities.get().carried_over
