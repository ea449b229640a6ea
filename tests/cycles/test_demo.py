import io

import pytest

from cycles import demo
from cycles.models import Cycle, GoalOutcome, Phase
from municipalities import demo as municipalities_demo

pytestmark = pytest.mark.django_db


def test_demo_cycles_stand_as_today_and_are_idempotent():
    """Today is after the NPO (ended 31 July 2025): no NPO cycle is still in Doen."""
    municipalities_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    demo.seed(out)
    utrecht = Cycle.objects.get(municipality__cbs_code="GM0344")
    zwolle = Cycle.objects.get(municipality__cbs_code="GM0193")
    amersfoort = Cycle.objects.get(municipality__cbs_code="GM0307")
    assert Cycle.objects.count() == 3
    assert (utrecht.phase, zwolle.phase, amersfoort.phase) == (
        Phase.AFGEROND,
        Phase.EVALUATIE,
        Phase.AFGEROND,
    )
    # Utrecht evaluated: every goal complete, with a result and an explanation; lessons learned.
    assert utrecht.goals.count() == 3 and all(g.is_complete for g in utrecht.goals.all())
    assert GoalOutcome.objects.filter(goal__cycle=utrecht).exclude(explanation="").count() == 3
    assert utrecht.lessons_learned and utrecht.process_evaluation
    assert list(utrecht.transitions.values_list("to_phase", flat=True).order_by("created_at")) == [
        "duiden",
        "doelen",
        "doen",
        "evaluatie",
        "afgerond",
    ]
    # Its history ends after the window: the last update of each activity is before August 2025.
    assert utrecht.end_date.isoformat() == "2025-07-31"
    assert all(a.status == "done" for g in utrecht.goals.all() for a in g.activities.all())
    # Zwolle still evaluates: one goal has no result yet.
    assert GoalOutcome.objects.filter(goal__cycle=zwolle).count() == zwolle.goals.count() - 1
    assert GoalOutcome.objects.filter(goal__cycle=amersfoort).count() == 2
