"""Doelen: goals, and their bijstellingen once the cycle is in Doen."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cycles import rules
from cycles.models import Cycle, Goal, GoalOutcome, GoalRevision, ProgressUpdate
from cycles.services.common import (
    check_same_municipality,
    delete_row,
    lock_cycle,
    lock_row,
    require_editable,
)
from municipalities.audit import audit_context
from municipalities.versions import version_check

GOAL_FIELDS = (
    "title",
    "description",
    "target_group",
    "indicator",
    "baseline",
    "target_value",
    "unit",
    "deadline",
    "spending_category",
)
GOAL_RELATIONS = ("findings", "interventions", "responsible_partners", "schools")


def _display(goal: Goal, name: str, value) -> str:
    if value in (None, ""):
        return "—"
    field = goal._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


@transaction.atomic
def goal_save(
    *,
    cycle: Cycle,
    goal: Goal | None = None,
    actor=None,
    reason: str = "",
    data: dict,
    version: str | None = None,
) -> Goal:
    """Create or change a goal. Once the cycle is in Doen, a change is a bijstelling: it needs a
    reason and is logged with the old and new values. ``data`` holds GOAL_FIELDS and
    GOAL_RELATIONS (querysets or lists). ``version``: what the edit form was opened on; a newer
    stored goal raises EditConflict."""
    require_editable(cycle, "goal")
    fixed = rules.goal_is_fixed(cycle)
    if goal is None and fixed:
        raise ValidationError(_("In deze fase voeg je geen nieuwe doelen meer toe."))
    for name in ("responsible_partners", "schools"):
        check_same_municipality(cycle, name, data.get(name))
    for finding in data.get("findings") or ():
        if finding.cycle_id != cycle.pk:
            raise ValidationError({"findings": _("Kies alleen bevindingen van deze cyclus.")})

    creating = goal is None
    if creating:
        goal = Goal(municipality_id=cycle.municipality_id, cycle=cycle)
    else:
        # Compare with what is stored, not with an instance a ModelForm may already have changed.
        version_check(goal, version)
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
    changes: dict[str, list[str]] = {}
    for name in GOAL_FIELDS:
        new = data.get(name, getattr(goal, name))
        if name in ("baseline", "target_value") and new is not None:
            new = Decimal(new)
        old = getattr(goal, name)
        if not creating and old != new:
            changes[str(goal._meta.get_field(name).verbose_name)] = [
                _display(goal, name, old),
                _display(goal, name, new),
            ]
        setattr(goal, name, new)
    if not creating:
        for name in GOAL_RELATIONS:
            if name not in data:
                continue
            old_ids = {o.pk for o in getattr(goal, name).all()}
            new_objs = list(data[name])
            if old_ids != {o.pk for o in new_objs}:
                changes[str(goal._meta.get_field(name).verbose_name)] = [
                    ", ".join(sorted(str(o) for o in getattr(goal, name).all())) or "—",
                    ", ".join(sorted(str(o) for o in new_objs)) or "—",
                ]
    if fixed and changes:
        reason = reason.strip()
        if not reason:
            raise ValidationError(
                {
                    "reason": _(
                        "Dit doel ligt vast in de fase Doen: geef een reden voor de bijstelling."
                    )
                }
            )
    goal.save()
    for name in GOAL_RELATIONS:
        if name in data:
            getattr(goal, name).set(data[name])
    if fixed and changes:
        GoalRevision.objects.create(
            municipality_id=cycle.municipality_id,
            goal=goal,
            reason=reason,
            changes=changes,
            actor=actor,
        )
    return goal


def goal_delete_check(*, cycle: Cycle, goal: Goal) -> None:
    """Raise a Dutch ValidationError when the goal may not be deleted now: its phase, a fixed goal,
    or recorded monitoring (progress updates of its activities, an outcome) that would go with it."""
    require_editable(cycle, "goal")
    if goal.cycle_id != cycle.pk:
        raise ValidationError(_("Dit doel hoort niet bij deze cyclus."))
    if rules.goal_is_fixed(cycle):
        raise ValidationError(
            _("Een vastgesteld doel verwijder je niet; stel het bij met een reden.")
        )
    if ProgressUpdate.objects.filter(activity__goal=goal).exists():
        raise ValidationError(
            _("Bij dit doel is voortgang vastgelegd; het kan daarom niet worden verwijderd.")
        )
    if GoalOutcome.objects.filter(goal=goal).exists():
        raise ValidationError(
            _(
                "Van dit doel is het resultaat al geëvalueerd; het kan daarom niet worden "
                "verwijderd."
            )
        )


def goal_delete(*, cycle: Cycle, goal: Goal, user) -> None:
    """Delete a goal that has no recorded progress or outcome, with its activities and
    bijstellingen; findings and spending goals that refer to it only lose the link."""
    with transaction.atomic(), audit_context(event="", actor=user):
        locked = lock_cycle(cycle)
        goal = lock_row(Goal, goal)
        goal_delete_check(cycle=locked, goal=goal)
        delete_row(goal)
