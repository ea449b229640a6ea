"""The Voortzetting pages: the list of a closed cycle's activities, the decisions, continuing in a
new cycle, who may do what, and the new cycle's Vertrekpunt on its Data page."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from closeout.models import ActivityContinuation
from cycles.models import Activity, Cycle, GoalOutcome, Phase
from municipalities.models import Role
from tests.budgets.factories import stream
from tests.cycles.factories import ActivityFactory, CycleFactory, GoalFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db
Decision = ActivityContinuation.Decision


@pytest.fixture
def closed(municipality):
    cycle = CycleFactory(
        municipality=municipality,
        title="NPO 2023–2025",
        start_date=datetime.date(2023, 8, 1),
        end_date=datetime.date(2025, 7, 31),
        phase=Phase.AFGEROND,
        lessons_learned="Samen met de kinderopvang plannen.",
    )
    goal = GoalFactory(cycle=cycle, title="Lezen groep 8")
    GoalOutcome.objects.create(
        municipality=municipality, goal=goal, result="partly", explanation="Bijna gehaald."
    )
    ProgressUpdateFactory(
        activity=ActivityFactory(goal=goal, title="Voorleescoach"), measured_value=Decimal("72")
    )
    ActivityFactory(goal=goal, title="Zomerschool")
    return cycle


def url(cycle, tail=""):
    return f"/g/{cycle.municipality.slug}/eindverantwoording/voortzetting/{cycle.pk}/{tail}"


def post_data(cycle, **decisions):
    """The page's formset: one form per activity (in the page's order), ``decisions`` by title."""
    activities = list(Activity.objects.filter(goal__cycle=cycle).order_by("goal_id", "pk"))
    data = {"besluit-TOTAL_FORMS": len(activities), "besluit-INITIAL_FORMS": len(activities)}
    for i, activity in enumerate(activities):
        decision, code, category = decisions.get(activity.title, ("", None, ""))
        data |= {
            f"besluit-{i}-activity": activity.pk,
            f"besluit-{i}-decision": decision,
            f"besluit-{i}-stream": stream(code).pk if code else "",
            f"besluit-{i}-category": category,
            f"besluit-{i}-note": "",
        }
    return data


def test_the_page_lists_every_activity_with_goal_status_result_and_category(officer_client, closed):
    html = officer_client.get(url(closed)).content.decode()
    for text in (
        "Voorleescoach",
        "Zomerschool",
        "Lezen groep 8",
        "Loopt",  # status
        "Deels behaald",  # the goal's result
        "Bovenschoolse maatregelen om vertragingen in te halen",  # its NPO category
        "Gemeentelijk onderwijsachterstandenbeleid (GOAB/OAB)",  # a stream that continues
        "Stcrt 2023-18849",  # School en Omgeving's reference
        "LEA 2025–2027",  # the proposed new cycle
    ):
        assert text in html, text
    # The NPO's window has ended: it is not offered to continue under.
    assert f'<option value="{stream().pk}"' not in html


def test_the_officer_decides_and_continues_in_a_new_cycle(officer_client, closed, municipality):
    data = post_data(
        closed,
        Voorleescoach=(Decision.CHANGE, "oab", "goab-leerlingen"),
        Zomerschool=(Decision.STOP, None, ""),
    )
    response = officer_client.post(url(closed), data)
    assert response.status_code == 302
    assert ActivityContinuation.objects.count() == 2

    response = officer_client.post(
        url(closed, "nieuwe-cyclus/"),
        {"title": "LEA 2025–2027", "start_date": "2025-08-01", "end_date": "2027-07-31"},
    )
    new = Cycle.objects.get(predecessor=closed)
    assert response.status_code == 302
    assert response["Location"] == f"/g/{municipality.slug}/cycli/{new.pk}/data/"
    (copy,) = Activity.objects.filter(goal__cycle=new)
    assert copy.carried_from.title == "Voorleescoach"

    data_page = officer_client.get(response["Location"]).content.decode()
    assert "Vertrekpunt: de evaluatie van NPO 2023–2025" in data_page
    assert "Deels behaald" in data_page and "72" in data_page  # result and verdict
    assert "Samen met de kinderopvang plannen." in data_page  # its lessons
    assert (
        "Aangepast voortzetten: Gemeentelijk onderwijsachterstandenbeleid (GOAB/OAB), "
        "Schakelklassen, zomerscholen en andere activiteiten voor leerlingen"
    ) in data_page
    # The closed cycle's page now says where it went, and offers no second new cycle.
    page = officer_client.get(url(closed)).content.decode()
    assert "Voortgezet in" in page and "LEA 2025–2027" in page
    assert "Voortzetten in een nieuwe cyclus" not in page


def test_a_category_of_another_stream_is_refused_in_dutch_and_nothing_saved(officer_client, closed):
    data = post_data(closed, Voorleescoach=(Decision.CONTINUE, "oab", "inhalen"))
    response = officer_client.post(url(closed), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is geen categorie van Gemeentelijk onderwijsachterstandenbeleid" in html
    assert 'class="utrecht-alert utrecht-alert--error" id="form-errors"' in html
    assert not ActivityContinuation.objects.exists()


def test_a_viewer_reads_the_decisions_but_cannot_post(client, closed, municipality, member_factory):
    ActivityContinuation.objects.create(
        municipality=municipality,
        activity=Activity.objects.get(title="Voorleescoach"),
        decision=Decision.CONTINUE,
        stream=stream("oab"),
        category="goab-voorschool",
    )
    client.force_login(member_factory(municipality, Role.VIEWER))
    html = client.get(url(closed)).content.decode()
    assert "Voortzetten: Gemeentelijk onderwijsachterstandenbeleid" not in html  # no form text
    assert "Voorschoolse educatie" in html and "Besluiten opslaan" not in html
    assert client.post(url(closed), post_data(closed)).status_code == 403
    assert client.post(url(closed, "nieuwe-cyclus/"), {"title": "X"}).status_code == 403
    assert not Cycle.objects.filter(predecessor=closed).exists()


def test_another_municipality_gets_404(client, closed, other_municipality, member_factory):
    client.force_login(member_factory(other_municipality, Role.POLICY_OFFICER))
    own_slug_other_cycle = (
        f"/g/{other_municipality.slug}/eindverantwoording/voortzetting/{closed.pk}/"
    )
    assert client.get(own_slug_other_cycle).status_code == 404
    assert client.post(own_slug_other_cycle + "nieuwe-cyclus/", {}).status_code == 404
    assert client.get(url(closed)).status_code == 404  # not a member


def test_an_open_cycle_has_no_voortzetting_yet(officer_client, municipality):
    running = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    assert officer_client.get(url(running)).status_code == 404


def test_the_index_lists_closed_cycles_and_links_from_the_closeout_index(officer_client, closed):
    html = officer_client.get("/g/utrecht/eindverantwoording/voortzetting/").content.decode()
    assert "NPO 2023–2025" in html and url(closed) in html
    index = officer_client.get("/g/utrecht/eindverantwoording/").content.decode()
    assert "/g/utrecht/eindverantwoording/voortzetting/" in index
    evaluation = officer_client.get(f"/g/utrecht/cycli/{closed.pk}/evaluatie/").content.decode()
    assert url(closed) in evaluation


def _queries(client, path) -> int:
    client.get(path)  # first: the header's theme is then kept in the cache (theming.selectors)
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context)


def test_the_list_does_not_query_per_activity(officer_client, closed, municipality):
    few = _queries(officer_client, url(closed))
    goal = GoalFactory(cycle=closed)
    for i in range(6):
        item = ActivityFactory(goal=goal, title=f"Extra {i}")
        ActivityContinuation.objects.create(
            municipality=municipality,
            activity=item,
            decision=Decision.CONTINUE,
            stream=stream("oab"),
            category="goab-overig",
        )
    assert _queries(officer_client, url(closed)) == few


def test_the_vertrekpunt_does_not_query_per_activity(officer_client, closed, municipality):
    from closeout import services

    for title in ("Voorleescoach", "Zomerschool"):
        ActivityContinuation.objects.create(
            municipality=municipality,
            activity=Activity.objects.get(title=title),
            decision=Decision.CONTINUE,
            stream=stream("oab"),
            category="goab-overig",
        )
    new = services.continuation_carry_over(
        cycle=closed,
        actor=None,
        title="LEA",
        start_date=datetime.date(2025, 8, 1),
        end_date=datetime.date(2027, 7, 31),
    ).cycle
    path = f"/g/utrecht/cycli/{new.pk}/data/"
    few = _queries(officer_client, path)
    goal = GoalFactory(cycle=closed)
    for i in range(5):
        ActivityContinuation.objects.create(
            municipality=municipality,
            activity=ActivityFactory(goal=goal, title=f"Extra {i}"),
            decision=Decision.CONTINUE,
            stream=stream("oab"),
            category="goab-overig",
        )
    services.continuation_carry_over(cycle=closed, actor=None)
    html = officer_client.get(path).content.decode()
    assert "Extra 4" in html
    assert _queries(officer_client, path) == few
