"""No lost edits in the cycle: the cycle, a goal and an activity refuse a save against a newer
version, say who changed what and keep the input."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from cycles.models import Activity, Cycle, Goal, Phase
from municipalities.models import Role
from tests.cycles.factories import ActivityFactory, CycleFactory, GoalFactory

pytestmark = pytest.mark.django_db


def url(name, cycle, *args):
    return reverse(f"cycles:{name}", args=[cycle.municipality.slug, cycle.pk, *args])


def version_on(page) -> str:
    match = re.search(r'name="versie" value="([^"]*)"', page.content.decode())
    assert match, "the form carries no version"
    return html.unescape(match.group(1))


@pytest.fixture
def two_editors(client, municipality, member_factory):
    anna = member_factory(municipality, Role.POLICY_OFFICER, user__display_name="Anna de Vries")
    other = Client()
    other.force_login(anna)
    client.force_login(member_factory(municipality, Role.ADVISOR))
    return client, other, anna


def assert_told(response, anna, change):
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Iemand anders heeft dit opgeslagen nadat je het formulier opende" in body
    assert f"Anna de Vries ({anna.email}) op " in body and change in body
    return body


def test_cycle_edit_conflict(two_editors, municipality):
    client, other, anna = two_editors
    cycle = CycleFactory(municipality=municipality, title="Cyclus 2024")
    data = {"title": "", "start_date": "2024-08-01", "end_date": "2025-07-31"}
    opened = version_on(client.get(url("edit", cycle)))
    first = other.post(url("edit", cycle), {**data, "title": "Door Anna", "versie": opened})
    assert first.status_code == 302
    response = client.post(url("edit", cycle), {**data, "title": "Mijn titel", "versie": opened})
    body = assert_told(response, anna, "van „Cyclus 2024” naar „Door Anna”")
    assert 'value="Mijn titel"' in body
    assert Cycle.objects.get().title == "Door Anna"
    again = {**data, "title": "Mijn titel", "versie": version_on(response)}
    assert client.post(url("edit", cycle), again).status_code == 302
    assert Cycle.objects.get().title == "Mijn titel"


def test_goal_edit_conflict(two_editors, municipality):
    client, other, anna = two_editors
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
    goal = GoalFactory(cycle=cycle, title="Lezen")
    data = {
        "indicator": goal.indicator,
        "unit": "%",
        "spending_category": goal.spending_category,
        "target_group": goal.target_group,
    }
    opened = version_on(client.get(url("goal_edit", cycle, goal.pk)))
    first = other.post(
        url("goal_edit", cycle, goal.pk), {**data, "title": "Begrijpend lezen"} | {"versie": opened}
    )
    assert first.status_code == 302
    response = client.post(
        url("goal_edit", cycle, goal.pk), {**data, "title": "Technisch lezen", "versie": opened}
    )
    body = assert_told(response, anna, "van „Lezen” naar „Begrijpend lezen”")
    assert 'value="Technisch lezen"' in body
    assert Goal.objects.get().title == "Begrijpend lezen"


def test_activity_edit_conflict(two_editors, municipality):
    client, other, anna = two_editors
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    activity = ActivityFactory(goal=GoalFactory(cycle=cycle), title="Zomerschool")
    data = {"status": "planned"}
    target = url("activity_edit", cycle, activity.pk)
    opened = version_on(client.get(target))
    first = other.post(target, {**data, "title": "Zomerschool 2025", "versie": opened})
    assert first.status_code == 302
    response = client.post(target, {**data, "title": "Najaarsschool", "versie": opened})
    body = assert_told(response, anna, "van „Zomerschool” naar „Zomerschool 2025”")
    assert 'value="Najaarsschool"' in body
    assert Activity.objects.get().title == "Zomerschool 2025"


def test_adding_needs_no_version(officer_client, municipality):
    assert (
        officer_client.post(
            reverse("cycles:list", args=[municipality.slug]),
            {"title": "Nieuw", "start_date": "2024-08-01", "end_date": "2025-07-31"},
        ).status_code
        == 302
    )
    assert Cycle.objects.get().title == "Nieuw"
