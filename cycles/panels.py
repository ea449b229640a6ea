"""Dashboard panel of the cycles app: the current 4D cycle, its phase, checklist and progress."""

from core.memo import memo
from cycles.gates import checklist
from cycles.models import PHASE_ORDER, Phase
from cycles.selectors import cycle_progress, open_cycle
from municipalities.dashboard import register_panel


def dashboard_open_cycle(municipality):
    """The open cycle, read once per dashboard view for every panel that shows it."""
    return memo(("open_cycle", municipality.pk), lambda: open_cycle(municipality=municipality))


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
        "progress": cycle_progress(cycle=cycle),
        "can_edit": membership.can_edit,
    }


register_panel("cycle", template="cycles/_dashboard_panel.html", context=cycle_panel, order=10)
