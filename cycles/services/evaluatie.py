"""Evaluatie: the process evaluation of the cycle and the result of each goal."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cycles.models import Cycle, Goal, GoalOutcome
from cycles.services.common import require_editable


def cycle_evaluation_update(
    *, cycle: Cycle, process_evaluation: str, lessons_learned: str
) -> Cycle:
    require_editable(cycle, "evaluation")
    cycle.process_evaluation = process_evaluation.strip()
    cycle.lessons_learned = lessons_learned.strip()
    cycle.save(update_fields=["process_evaluation", "lessons_learned"])
    return cycle


def goal_outcome_set(*, cycle: Cycle, goal: Goal, result: str, explanation: str) -> GoalOutcome:
    require_editable(cycle, "evaluation")
    if goal.cycle_id != cycle.pk:
        raise ValidationError(_("Dit doel hoort niet bij deze cyclus."))
    if not explanation.strip():
        raise ValidationError({"explanation": _("Licht het resultaat toe.")})
    outcome, _created = GoalOutcome.objects.update_or_create(
        goal=goal,
        defaults={
            "municipality_id": cycle.municipality_id,
            "result": result,
            "explanation": explanation.strip(),
            "updated_at": timezone.now(),
        },
    )
    return outcome
