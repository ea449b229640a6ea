"""The next cycle: a proposal for its period, and starting it with what carries over."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cycles.models import (
    UNFINISHED_ACTIVITY_STATUSES,
    Activity,
    ActivityStatus,
    Cycle,
    Goal,
    Phase,
)
from cycles.selectors import goals_with_latest_measurement, unfinished_goals
from cycles.services.common import lock_cycle
from cycles.services.cycle import cycle_create


def next_cycle_defaults(cycle: Cycle, *, years: int = 1, title: str | None = None) -> dict:
    """A proposal for the next cycle: from the day after ``cycle`` ends, ``years`` long.
    ``title`` is a format with %(start)s and %(end)s (the years); default "4D-cyclus …"."""
    start = cycle.end_date + datetime.timedelta(days=1)
    try:
        end = cycle.end_date.replace(year=cycle.end_date.year + years)
    except ValueError:  # 29 February
        end = cycle.end_date + datetime.timedelta(days=365 * years)
    title = title or _("4D-cyclus %(start)s–%(end)s")
    return {
        "title": title % {"start": start.year, "end": end.year},
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
    goals = list(unfinished_goals(cycle=locked))
    activities = list(
        Activity.objects.filter(goal__in=goals, status__in=UNFINISHED_ACTIVITY_STATUSES).order_by(
            "pk"
        )
    )
    goals_copy(target=new, goals=goals)
    activities_copy(target=new, activities=activities, keep_status=True)
    return new


def _copies_in(model, *, target: Cycle, originals) -> dict[int, object]:
    """The copies already in ``target`` of ``originals``, by the original's pk."""
    cycle_filter = {"cycle": target} if model is Goal else {"goal__cycle": target}
    rows = model.objects.filter(carried_from__in=[o.pk for o in originals], **cycle_filter)
    return {row.carried_from_id: row for row in rows.order_by("pk")}


def goals_copy(*, target: Cycle, goals: list[Goal], keep_deadline: bool = True) -> dict[int, Goal]:
    """Copy ``goals`` into ``target`` (marked carried over, ``carried_from`` the original) and
    return the copy of each by the original's pk. A goal already copied into ``target`` is not
    copied again: its copy is returned. The copy starts from the last measurement (the old
    baseline when never measured). ``keep_deadline=False``: a deadline before ``target`` starts is
    left empty, for the officer to set in the new period."""
    copies: dict[int, Goal] = dict(_copies_in(Goal, target=target, originals=goals))
    missing = [g for g in goals if g.pk not in copies]
    if not missing:
        return copies
    latest = dict(
        goals_with_latest_measurement()
        .filter(pk__in=[g.pk for g in missing])
        .values_list("pk", "latest_measurement")
    )
    prefetched = Goal.objects.filter(pk__in=[g.pk for g in missing]).prefetch_related(
        "interventions", "responsible_partners", "schools"
    )
    for old in prefetched.order_by("pk"):
        baseline = latest.get(old.pk)
        new_goal = Goal.objects.create(
            municipality_id=target.municipality_id,
            cycle=target,
            title=old.title,
            description=old.description,
            target_group=old.target_group,
            indicator=old.indicator,
            baseline=baseline if baseline is not None else old.baseline,
            target_value=old.target_value,
            unit=old.unit,
            deadline=(
                old.deadline
                if keep_deadline or (old.deadline and old.deadline >= target.start_date)
                else None
            ),
            spending_category=old.spending_category,
            carried_over=True,
            carried_from=old,
        )
        new_goal.interventions.set(old.interventions.all())
        new_goal.responsible_partners.set(old.responsible_partners.all())
        new_goal.schools.set(old.schools.all())
        copies[old.pk] = new_goal
    return copies


def activities_copy(
    *, target: Cycle, activities: list[Activity], keep_status: bool
) -> tuple[list[Activity], list[Activity]]:
    """Copy ``activities`` into ``target`` under copies of their goals (``goals_copy``), each
    copy marked carried over with ``carried_from`` the original: the link to its history.

    Idempotent: an activity already copied into ``target`` is not copied again. Returns
    (the new copies, the copies that were already there). ``keep_status``: the copy keeps the
    original's status and dates (carrying unfinished work over); otherwise it starts planned
    and undated, and a goal copied for it drops a deadline that lies before ``target`` starts
    (continuing work in a new period).
    """
    existing = _copies_in(Activity, target=target, originals=activities)
    todo = [a for a in activities if a.pk not in existing]
    if not todo:
        return [], list(existing.values())
    originals = list(
        Activity.objects.filter(pk__in=[a.pk for a in todo])
        .select_related("goal")
        .prefetch_related("schools")
        .order_by("pk")
    )
    goal_copies = goals_copy(
        target=target,
        goals=list({a.goal_id: a.goal for a in originals}.values()),
        keep_deadline=keep_status,
    )
    created = []
    for old in originals:
        new_activity = Activity.objects.create(
            municipality_id=target.municipality_id,
            goal=goal_copies[old.goal_id],
            title=old.title,
            description=old.description,
            executing_partner_id=old.executing_partner_id,
            start_date=old.start_date if keep_status else None,
            end_date=old.end_date if keep_status else None,
            status=old.status if keep_status else ActivityStatus.PLANNED,
            carried_over=True,
            carried_from=old,
        )
        new_activity.schools.set(old.schools.all())
        created.append(new_activity)
    return created, list(existing.values())
