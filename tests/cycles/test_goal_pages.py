"""Doelen and Doen page their goals (issue 23): a page of goals, read with that page's prefetches
only, a save that lands on the page holding the saved goal, and the add form only when asked for."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cycles.models import Goal, Phase
from cycles.views.phases import GOALS_PER_PAGE
from municipalities.versions import version_of
from tests.cycles.factories import (
    ActivityFactory,
    CycleFactory,
    FindingFactory,
    GoalFactory,
    PartnerFactory,
    ProgressUpdateFactory,
)
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def url(name, cycle, *args):
    return reverse(f"cycles:{name}", args=[cycle.municipality.slug, cycle.pk, *args])


def add_goals(cycle, n, start=0):
    """``n`` goals, each with a finding, a school, a partner, an activity and an update."""
    partner = PartnerFactory(municipality=cycle.municipality)
    school = SchoolFactory(municipality=cycle.municipality)
    goals = []
    for i in range(start, start + n):
        goal = GoalFactory(cycle=cycle, title=f"Paginadoel {i:03d}")
        goal.findings.add(FindingFactory(cycle=cycle))
        goal.schools.add(school)
        goal.responsible_partners.add(partner)
        activity = ActivityFactory(goal=goal, executing_partner=partner, title=f"Act {i:03d}")
        activity.schools.add(school)
        ProgressUpdateFactory(activity=activity, measured_value=70)
        goals.append(goal)
    return goals


@pytest.mark.parametrize("page", ["doelen", "doen"])
def test_the_second_page_shows_the_next_goals(officer_client, municipality, page):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    goals = add_goals(cycle, GOALS_PER_PAGE + 2)
    first = officer_client.get(url(page, cycle)).content.decode()
    second = officer_client.get(url(page, cycle) + "?pagina=2").content.decode()
    for goal in goals[:GOALS_PER_PAGE]:
        assert goal.title in first and goal.title not in second
    for goal in goals[GOALS_PER_PAGE:]:
        assert goal.title in second and goal.title not in first
    assert "pagina=2" in first and 'rel="next"' in first
    assert "Pagina 2 van 2" in second and 'rel="prev"' in second


def test_doelen_counts_all_goals_not_the_page(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
    add_goals(cycle, GOALS_PER_PAGE + 2)
    body = officer_client.get(url("doelen", cycle)).content.decode()
    assert f'<span class="count">({GOALS_PER_PAGE + 2})</span>' in body


def _queries(client, path) -> int:
    client.get(path)  # the header's theme is then in the cache (theming.selectors)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["doelen", "doen"])
def test_query_count_is_the_same_with_5_and_50_goals(officer_client, municipality, page, settings):
    settings.PAGE_CACHE_SECONDS = 0  # count the page being built
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    add_goals(cycle, 5)
    small = _queries(officer_client, url(page, cycle))
    add_goals(cycle, 45, start=5)
    assert _queries(officer_client, url(page, cycle)) == small
    assert _queries(officer_client, url(page, cycle) + "?pagina=7") == small


def test_a_goal_page_reads_only_its_goals_relations(officer_client, municipality, settings):
    """The relations (facts, activities, their schools and updates) are read for the page's
    goals only: the cycle's goals from the page's first to its last, not all fifteen."""
    settings.PAGE_CACHE_SECONDS = 0
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    goals = add_goals(cycle, 3 * GOALS_PER_PAGE)
    with CaptureQueriesContext(connection) as ctx:
        officer_client.get(url("doen", cycle) + "?pagina=2")
    bounded = [
        re.search(r'"goal_id" >= (\d+) AND .*"goal_id" <= (\d+)', q["sql"])
        for q in ctx.captured_queries
        if f'"cycles_goal"."cycle_id" = {cycle.pk}' in q["sql"] and '"goal_id" >=' in q["sql"]
    ]
    # Findings, interventions, partners, schools; activities, their schools, their updates.
    assert len(bounded) == 7 and all(bounded), [q["sql"] for q in ctx.captured_queries]
    shown = goals[GOALS_PER_PAGE : 2 * GOALS_PER_PAGE]
    assert {(int(m[1]), int(m[2])) for m in bounded} == {(shown[0].pk, shown[-1].pk)}


def test_a_goal_edit_lands_on_the_page_that_holds_it(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
    goals = add_goals(cycle, GOALS_PER_PAGE + 2)
    goal = goals[-1]
    data = {
        "title": "Hernoemd doel",
        "indicator": goal.indicator,
        "unit": "%",
        "spending_category": goal.spending_category,
        "target_group": goal.target_group,
        "versie": version_of(goal),
    }
    response = officer_client.post(url("goal_edit", cycle, goal.pk), data)
    assert response.status_code == 302
    assert response.url == f"{url('doelen', cycle)}?pagina=2#goal-{goal.pk}"
    assert "Hernoemd doel" in officer_client.get(response.url).content.decode()
    # A goal on the first page: no page number.
    first = goals[0]
    data |= {"title": "Eerste doel", "versie": version_of(first)}
    response = officer_client.post(url("goal_edit", cycle, first.pk), data)
    assert response.url == f"{url('doelen', cycle)}#goal-{first.pk}"
    # With htmx the refreshed section is that page.
    data |= {"title": "Via htmx", "versie": version_of(Goal.objects.get(pk=goal.pk))}
    response = officer_client.post(
        url("goal_edit", cycle, goal.pk), data, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="goals-section"' in body
    assert "Via htmx" in body and goals[0].title not in body and "Pagina 2 van 2" in body


def test_a_new_goal_lands_on_the_last_page(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
    add_goals(cycle, GOALS_PER_PAGE)
    data = {
        "title": "Nieuw doel op pagina twee",
        "indicator": "Aandeel",
        "unit": "%",
        "spending_category": "inhalen",
        "target_group": "po",
    }
    response = officer_client.post(url("goal_add", cycle), data)
    goal = Goal.objects.get(title="Nieuw doel op pagina twee")
    assert response.url == f"{url('doelen', cycle)}?pagina=2#goal-{goal.pk}"


def test_progress_and_activity_saves_land_on_the_goals_page_of_doen(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    goals = add_goals(cycle, 2 * GOALS_PER_PAGE + 1)
    activity = goals[-1].activities.get()
    response = officer_client.post(
        url("progress_add", cycle, activity.pk),
        {"date": "2025-01-15", "narrative": "Halverwege", "status": "running"},
    )
    assert response.url == f"{url('doen', cycle)}?pagina=3#activity-{activity.pk}"
    assert "Halverwege" in officer_client.get(response.url).content.decode()
    response = officer_client.post(
        url("activity_add", cycle, goals[GOALS_PER_PAGE].pk),
        {"title": "Zomerschool"} | {"status": "planned"},
    )
    new = goals[GOALS_PER_PAGE].activities.get(title="Zomerschool")
    assert response.url == f"{url('doen', cycle)}?pagina=2#activity-{new.pk}"


def test_the_add_form_is_only_built_when_asked_for(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
    add_goals(cycle, 1)
    body = officer_client.get(url("doelen", cycle)).content.decode()
    add_url = url("goal_add", cycle)
    assert f'href="{add_url}"' in body and f'hx-get="{add_url}"' in body
    assert 'name="interventions"' not in body and 'name="schools"' not in body
    assert 'name="title"' not in body
    # Without JavaScript the link opens the form on its own page.
    page = officer_client.get(add_url).content.decode()
    assert 'name="title"' in page and 'name="indicator"' in page
    # With htmx only the form block comes, to take the place of #goal-add.
    block = officer_client.get(add_url, headers={"HX-Request": "true"}).content.decode()
    assert block.lstrip().startswith('<div id="goal-add"') and "<html" not in block


def test_readers_and_fixed_goals_get_no_add_link(client, officer_client, municipality):
    from municipalities.models import Role
    from tests.factories import MembershipFactory

    cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
    assert url("goal_add", cycle) in officer_client.get(url("doelen", cycle)).content.decode()
    client.force_login(MembershipFactory(municipality=municipality, role=Role.VIEWER).user)
    assert url("goal_add", cycle) not in client.get(url("doelen", cycle)).content.decode()
    # Goals are fixed from Doen on: none are added any more.
    cycle.phase = Phase.DOEN
    cycle.save()
    assert url("goal_add", cycle) not in officer_client.get(url("doelen", cycle)).content.decode()


def test_a_continued_activity_links_to_the_page_of_its_history(officer_client, municipality):
    """The Data page's link from a continued activity to the previous cycle's Doen lands on the
    page of goals that shows it."""
    import datetime

    previous = CycleFactory(
        municipality=municipality,
        phase=Phase.AFGEROND,
        start_date=datetime.date(2021, 8, 1),
        end_date=datetime.date(2023, 7, 31),
    )
    goals = add_goals(previous, GOALS_PER_PAGE + 1)
    old = goals[-1].activities.get()
    cycle = CycleFactory(municipality=municipality, phase=Phase.DATA, predecessor=previous)
    ActivityFactory(goal=GoalFactory(cycle=cycle), title="Voortgezet", carried_from=old)
    body = officer_client.get(url("data", cycle)).content.decode()
    history = f"{url('doen', previous)}?pagina=2#activity-{old.pk}"
    assert f'href="{history}"' in body
    assert f'id="activity-{old.pk}"' in officer_client.get(history).content.decode()
