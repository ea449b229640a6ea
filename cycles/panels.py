"""Dashboard panel of the cycles app: the current 4D cycle, its phase, checklist and progress."""

from core.memo import memo
from core.prepared import Prepared
from cycles.gates import checklist
from cycles.models import PHASE_ORDER, Cycle, Phase
from cycles.selectors import CycleProgress, cycle_progress_of, goals_with_cycle_progress, open_cycle
from municipalities.dashboard import register_panel


def dashboard_open_cycle(municipality):
    """The open cycle, read once per dashboard view for every panel that shows it."""
    return memo(("open_cycle", municipality.pk), lambda: open_cycle(municipality=municipality))


# The cycle's progress as one goal row carrying the figures of all the cycle's goals (a window
# is computed before the LIMIT; cycles.selectors.goals_with_cycle_progress, the one definition of
# the figure), compiled once per process (core.prepared): 2.3 -> 0.8 ms against cycle_progress's
# aggregate, built and compiled on every view.
_progress_row = Prepared(
    lambda municipality_id, cycle_id: (
        goals_with_cycle_progress(latest=False)
        .filter(cycle_id=cycle_id, municipality_id=municipality_id)
        .only("pk", "cycle_id")[:1]
    ),
    municipality_id=0,
    cycle_id=0,
)


def dashboard_cycle_progress(cycle: Cycle) -> CycleProgress:
    """The cycle's progress (the same figure as ``cycles.selectors.cycle_progress``)."""
    return cycle_progress_of(
        _progress_row(municipality_id=cycle.municipality_id, cycle_id=cycle.pk)
    )


def cycle_panel(*, municipality, membership) -> dict:
    cycle = dashboard_open_cycle(municipality)
    if cycle is None:
        return {"cycle": None, "can_edit": membership.can_edit}
    items = checklist(cycle)
    current = PHASE_ORDER.index(cycle.phase)
    steps = [
        {
            "label": Phase(code).label,
            "state": "done" if i < current else "current" if i == current else "todo",
        }
        for i, code in enumerate(PHASE_ORDER[:-1])
    ]
    return {
        "cycle": cycle,
        "steps": steps,
        "open_items": [item for item in items if not item.ok],
        "items": len(items),
        "progress": dashboard_cycle_progress(cycle),
        "can_edit": membership.can_edit,
    }


register_panel("cycle", template="cycles/_dashboard_panel.html", context=cycle_panel, order=10)
