"""The next cycle: a proposal for its period, and starting it with what carries over."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cycles.models import UNFINISHED_ACTIVITY_STATUSES, Activity, Cycle, Goal, Phase
from cycles.selectors import goals_with_latest_measurement, unfinished_goals
from cycles.services.common import lock_cycle
from cycles.services.cycle import cycle_create


def next_cycle_defaults(cycle: Cycle) -> dict:
    """A proposal for the next cycle: the following period of the same length."""
    start = cycle.end_date + datetime.timedelta(days=1)
    try:
        end = cycle.end_date.replace(year=cycle.end_date.year + 1)
    except ValueError:  # 29 February
        end = cycle.end_date + datetime.timedelta(days=365)
    return {
        "title": _("4D-cyclus %(start)s–%(end)s") % {"start": start.year, "end": end.year},
        "start_date": start,
        "end_date": end,
    }


@transaction.atomic
def cycle_start_next(
    *,
    cycle: Cycle,
    actor,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
) -> Cycle:
    """Start the next cycle in Data from a finished one: carry over the goals that were not (fully)
    achieved with their unfinished activities, marked as carried over, and the lessons learned."""
    locked = lock_cycle(cycle)
    if locked.phase != Phase.AFGEROND:
        raise ValidationError(_("Rond deze cyclus eerst af voordat je de volgende start."))
    if Cycle.objects.filter(predecessor=locked).exists():
        raise ValidationError(_("De volgende cyclus is al gestart."))
    new = cycle_create(
        municipality=locked.municipality,
        title=title,
        start_date=start_date,
        end_date=end_date,
        actor=actor,
        predecessor=locked,
        previous_lessons=locked.lessons_learned,
    )
    goals = list(
        unfinished_goals(cycle=locked).prefetch_related(
            "interventions", "responsible_partners", "schools"
        )
    )
    latest = dict(
        goals_with_latest_measurement()
        .filter(pk__in=[g.pk for g in goals])
        .values_list("pk", "latest_measurement")
    )
    activities_by_goal: dict[int, list[Activity]] = {}
    for activity in (
        Activity.objects.filter(goal__in=goals, status__in=UNFINISHED_ACTIVITY_STATUSES)
        .prefetch_related("schools")
        .order_by("pk")
    ):
        activities_by_goal.setdefault(activity.goal_id, []).append(activity)

    for old in goals:
        # The last measurement is the new starting point; the old baseline when never measured.
        baseline = latest.get(old.pk)
        new_goal = Goal.objects.create(
            municipality_id=new.municipality_id,
            cycle=new,
            title=old.title,
            description=old.description,
            target_group=old.target_group,
            indicator=old.indicator,
            baseline=baseline if baseline is not None else old.baseline,
            target_value=old.target_value,
            unit=old.unit,
            deadline=old.deadline,
            spending_category=old.spending_category,
            carried_over=True,
            carried_from=old,
        )
        new_goal.interventions.set(old.interventions.all())
        new_goal.responsible_partners.set(old.responsible_partners.all())
        new_goal.schools.set(old.schools.all())
        for old_activity in activities_by_goal.get(old.pk, []):
            new_activity = Activity.objects.create(
                municipality_id=new.municipality_id,
                goal=new_goal,
                title=old_activity.title,
                description=old_activity.description,
                executing_partner_id=old_activity.executing_partner_id,
                start_date=old_activity.start_date,
                end_date=old_activity.end_date,
                status=old_activity.status,
                carried_over=True,
                carried_from=old_activity,
            )
            new_activity.schools.set(old_activity.schools.all())
    return new
