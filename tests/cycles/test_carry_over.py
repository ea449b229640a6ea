"""Start volgende cyclus: unfinished goals and activities come along, marked, and lessons too."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cycles import services
from cycles.models import ActivityStatus, Cycle, GoalOutcome, Phase
from tests.cycles.factories import (
    ActivityFactory,
    CycleFactory,
    GoalFactory,
    PartnerFactory,
    ProgressUpdateFactory,
)
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def finished_cycle(municipality):
    cycle = CycleFactory(
        municipality=municipality,
        phase=Phase.EVALUATIE,
        lessons_learned="Start eerder met de zomerschool.",
    )
    achieved = GoalFactory(cycle=cycle, title="Behaald doel")
    partly = GoalFactory(cycle=cycle, title="Deels behaald doel")
    school = SchoolFactory(municipality=municipality)
    partner = PartnerFactory(municipality=municipality)
    partly.schools.add(school)
    partly.responsible_partners.add(partner)
    running = ActivityFactory(goal=partly, title="Loopt nog", status=ActivityStatus.RUNNING)
    running.schools.add(school)
    ActivityFactory(goal=partly, title="Klaar", status=ActivityStatus.DONE)
    ActivityFactory(goal=achieved, title="Van behaald doel", status=ActivityStatus.RUNNING)
    ProgressUpdateFactory(activity=running, measured_value=Decimal("72"))
    services.goal_outcome_set(cycle=cycle, goal=achieved, result="achieved", explanation="Ja")
    services.goal_outcome_set(
        cycle=cycle, goal=partly, result=GoalOutcome.Result.PARTLY, explanation="Half"
    )
    cycle.phase = Phase.AFGEROND
    cycle.save()
    return cycle


def test_start_next_carries_unfinished_goals_activities_and_lessons(municipality, officer):
    old = finished_cycle(municipality)
    new = services.cycle_start_next(
        cycle=old,
        actor=officer,
        title="Volgende",
        start_date=datetime.date(2025, 8, 1),
        end_date=datetime.date(2026, 7, 31),
    )
    assert new.phase == Phase.DATA and new.predecessor == old
    assert new.previous_lessons == "Start eerder met de zomerschool."
    (goal,) = new.goals.all()
    assert goal.title == "Deels behaald doel" and goal.carried_over
    assert goal.carried_from.cycle == old
    assert goal.baseline == Decimal("72")  # the last measurement is the new starting point
    assert goal.municipality == municipality
    assert list(goal.schools.all()) == list(old.goals.get(title=goal.title).schools.all())
    assert goal.responsible_partners.count() == 1
    (activity,) = goal.activities.all()
    assert activity.title == "Loopt nog" and activity.carried_over
    assert activity.status == ActivityStatus.RUNNING and activity.schools.count() == 1
    assert activity.municipality == municipality
    # Carried-over goals are editable in the new cycle's Data phase.
    services.goal_save(cycle=new, goal=goal, data={"title": "Aangepast doel"})
    goal.refresh_from_db()
    assert goal.title == "Aangepast doel" and not goal.revisions.exists()
    # Only once.
    with pytest.raises(ValidationError):
        services.cycle_start_next(
            cycle=old,
            actor=officer,
            title="Nog een",
            start_date=datetime.date(2025, 8, 1),
            end_date=datetime.date(2026, 7, 31),
        )


def test_start_next_needs_a_finished_cycle(municipality, officer):
    cycle = CycleFactory(municipality=municipality, phase=Phase.EVALUATIE)
    with pytest.raises(ValidationError):
        services.cycle_start_next(
            cycle=cycle,
            actor=officer,
            title="x",
            start_date=datetime.date(2025, 8, 1),
            end_date=datetime.date(2026, 7, 31),
        )


def test_start_next_through_the_page(officer_client, municipality):
    old = finished_cycle(municipality)
    detail = reverse("cycles:detail", args=[municipality.slug, old.pk])
    body = officer_client.get(detail).content.decode()
    assert "Start volgende cyclus" in body
    response = officer_client.post(
        reverse("cycles:start_next", args=[municipality.slug, old.pk]),
        {
            "next-title": "Cyclus 2025-2026",
            "next-start_date": "2025-08-01",
            "next-end_date": "2026-07-31",
        },
    )
    new = Cycle.objects.get(predecessor=old)
    assert response.status_code == 302 and response.url.endswith(f"/cycli/{new.pk}/")
    body = officer_client.get(
        reverse("cycles:data", args=[municipality.slug, new.pk])
    ).content.decode()
    assert "Deels behaald doel" in body and "Start eerder met de zomerschool." in body
