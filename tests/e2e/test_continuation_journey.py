"""Browser journey of the close-out's Voortzetting: a policy officer continues two activities of
the finished NPO cycle under GOAB/OAB (one as it was, one changed) and stops a third, starts the
new cycle "LEA 2025–2027" from the page, and finds the two activities there with the link to
their history; the new cycle's Data page starts from the closed cycle's evaluation. Checked with
axe; screenshots in /tmp/shots/h3/."""

import datetime
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from budgets.streams import funding_streams_ensure
from cycles.models import Activity, Cycle, GoalOutcome, Phase
from municipalities.models import Role
from tests.cycles.factories import ActivityFactory, CycleFactory, GoalFactory, ProgressUpdateFactory
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory, UserFactory

SHOTS = Path("/tmp/shots/h3")  # noqa: S108 - where the helpers look at screenshots


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _closed_cycle(municipality) -> Cycle:
    cycle = CycleFactory(
        municipality=municipality,
        title="NPO 2023–2025",
        start_date=datetime.date(2023, 8, 1),
        end_date=datetime.date(2025, 7, 31),
        phase=Phase.AFGEROND,
        lessons_learned="Begin vroeg en plan samen met de kinderopvang.",
    )
    reading = GoalFactory(cycle=cycle, title="Meer leerlingen groep 8 op 1F lezen")
    toddlers = GoalFactory(
        cycle=cycle,
        title="Meer peuters bereikt met voorschoolse educatie",
        indicator="Bereik doelgroeppeuters",
        baseline=Decimal("70"),
        target_value=Decimal("85"),
        spending_category="voorschool",
    )
    GoalOutcome.objects.create(
        municipality=municipality, goal=reading, result="partly", explanation="72 van 80%."
    )
    GoalOutcome.objects.create(
        municipality=municipality, goal=toddlers, result="achieved", explanation="86% bereikt."
    )
    ProgressUpdateFactory(
        activity=ActivityFactory(goal=reading, title="Voorleescoaches op school"),
        measured_value=Decimal("72"),
    )
    ActivityFactory(goal=reading, title="Zomerschool groep 7", status="done")
    ProgressUpdateFactory(
        activity=ActivityFactory(goal=toddlers, title="Toeleiding via het consultatiebureau"),
        measured_value=Decimal("86"),
    )
    return cycle


def _decide(page, activity: Activity, decision: str, *, category: str | None = None) -> None:
    item = page.locator(f"#activiteit-{activity.pk}")
    item.get_by_label(decision, exact=True).check()
    if category:
        item.get_by_label("Geldstroom", exact=True).select_option(
            label="Gemeentelijk onderwijsachterstandenbeleid (GOAB/OAB)"
        )
        item.get_by_label("Categorie van die geldstroom").select_option(value=category)


def test_officer_continues_two_activities_under_goab_in_a_new_cycle(page, transactional_db):
    # A transactional test before this one flushed the streams the migrations seeded.
    funding_streams_ensure()
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = MembershipFactory(
        municipality=utrecht, role=Role.POLICY_OFFICER, user=UserFactory(email="beleid@x.nl")
    ).user
    closed = _closed_cycle(utrecht)
    coach, summer, toeleiding = Activity.objects.filter(goal__cycle=closed).order_by("pk")

    login(page, officer.email, TEST_PASSWORD)
    # From the close-out index to the step, and to the closed cycle.
    page.goto("/g/utrecht/eindverantwoording/")
    with page.expect_navigation():
        page.get_by_role("link", name="Naar de voortzetting").click()
    with page.expect_navigation():
        page.get_by_role("link", name="NPO 2023–2025").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Voortzetting: NPO 2023–2025")
    expect(page.locator(f"#activiteit-{coach.pk}")).to_contain_text("Deels behaald")
    assert_accessible(page)
    _shot(page, "continuation-before")

    # A category of another stream is refused in Dutch, and nothing is saved.
    _decide(page, coach, "Voortzetten", category="goab-leerlingen")
    page.locator(f"#activiteit-{coach.pk}").get_by_label(
        "Categorie van die geldstroom"
    ).select_option(value="inhalen")
    with page.expect_navigation():
        page.get_by_role("button", name="Besluiten opslaan").click()
    expect(page.locator("#form-errors")).to_contain_text("is geen categorie van")
    assert_accessible(page)
    _shot(page, "continuation-error")

    _decide(page, coach, "Voortzetten", category="goab-leerlingen")
    _decide(page, toeleiding, "Aangepast voortzetten", category="goab-voorschool")
    page.locator(f"#activiteit-{toeleiding.pk}").get_by_label("Toelichting").fill(
        "Voortaan ook via de huisarts."
    )
    _decide(page, summer, "Stoppen")
    with page.expect_navigation():
        page.get_by_role("button", name="Besluiten opslaan").click()
    expect(page.locator("#messages")).to_contain_text("3 besluiten opgeslagen.")
    expect(page.get_by_test_id("n-continued")).to_have_text("2")

    # The new cycle: its proposal is LEA 2025–2027.
    expect(page.get_by_label("Titel van de nieuwe cyclus")).to_have_value("LEA 2025–2027")
    _shot(page, "continuation-decided")
    with page.expect_navigation():
        page.get_by_role("button", name="Voortzetten in een nieuwe cyclus").click()
    expect(page.locator("#messages")).to_contain_text("2 activiteiten voortgezet in LEA 2025–2027.")
    new = Cycle.objects.get(predecessor=closed)
    assert new.title == "LEA 2025–2027"

    # The Data page starts from the evaluation: results, lessons, what continues under GOAB.
    panel = page.locator("#vertrekpunt")
    expect(panel).to_contain_text("Vertrekpunt: de evaluatie van NPO 2023–2025")
    expect(panel).to_contain_text("Deels behaald")
    expect(panel).to_contain_text("Begin vroeg en plan samen met de kinderopvang.")
    continued = page.get_by_test_id("continued-activities")
    expect(continued).to_contain_text("Voorleescoaches op school")
    expect(continued).to_contain_text("Voortzetten: Gemeentelijk onderwijsachterstandenbeleid")
    expect(continued).to_contain_text("Aangepast voortzetten")
    expect(continued).not_to_contain_text("Zomerschool")
    assert_accessible(page)
    _shot(page, "new-cycle-data")

    # Each continued activity links to its history: the activity in the closed cycle.
    with page.expect_navigation():
        continued.locator("li", has_text="Voorleescoaches op school").get_by_role(
            "link", name="de vorige cyclus"
        ).click()
    assert page.url.endswith(f"/cycli/{closed.pk}/doen/#activity-{coach.pk}")
    expect(page.locator(f"#activity-{coach.pk}")).to_contain_text("Voorleescoaches op school")

    # In Doen of the new cycle the two activities are there, marked as carried over.
    page.goto(f"/g/utrecht/cycli/{new.pk}/doen/")
    for title in ("Voorleescoaches op school", "Toeleiding via het consultatiebureau"):
        expect(page.get_by_role("heading", name=title)).to_contain_text("overgenomen")
    copies = Activity.objects.filter(goal__cycle=new).order_by("pk")
    assert [a.carried_from for a in copies] == [coach, toeleiding]
    _shot(page, "new-cycle-doen")

    # Back on the closed cycle's page the decisions are fixed and say where the work went.
    page.goto(f"/g/utrecht/eindverantwoording/voortzetting/{closed.pk}/")
    expect(page.get_by_test_id(f"decision-{coach.pk}")).to_contain_text("GOAB/OAB")
    expect(page.locator(f"#activiteit-{coach.pk}")).to_contain_text("Voortgezet in LEA 2025–2027")
    assert_accessible(page)
    _shot(page, "continuation-after")
