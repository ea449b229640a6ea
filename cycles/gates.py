"""Phase gates: the exit checklist a cycle must satisfy before it moves to the next phase.

The checklist is a registry so that apps above ``cycles`` (budgets, reports) can contribute items
without ``cycles`` importing them::

    # budgets/apps.py
    def ready(self):
        from cycles.gates import CheckResult, register_check
        from cycles.models import Phase

        register_check(Phase.DOELEN, "budget_planned", _("Budget gepland voor een compleet doel"),
                       budget_planned_check)          # func(cycle) -> CheckResult

Items owned by higher apps (analyses: school analyses received; reports: gemeentefoto; budgets:
budget planned) are registered by those apps in their ``AppConfig.ready()``.

Checks run once per page view of a single cycle (not in lists), so each may do a query or two.
What several checks need (``complete_goals``) is read once per evaluation of the checklist.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import CharField, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.memo import memo, memo_scope
from cycles.models import Activity, Cycle, Finding, Goal, Phase, ProgressUpdate


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    explanation: str = ""


@dataclass(frozen=True)
class Check:
    phase: str
    key: str
    label: str
    func: Callable[[Cycle], CheckResult]
    order: int = 100


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    ok: bool
    explanation: str


_registry: dict[tuple[str, str], Check] = {}


def register_check(
    phase: str,
    key: str,
    label: str,
    func: Callable[[Cycle], CheckResult],
    *,
    order: int = 100,
) -> Check:
    """Add (or replace) the exit check ``key`` of ``phase``. ``phase`` is the phase being left."""
    check = Check(phase=str(phase), key=key, label=label, func=func, order=order)
    _registry[(check.phase, key)] = check
    return check


def checks_for(phase: str) -> list[Check]:
    return sorted(
        (c for c in _registry.values() if c.phase == str(phase)), key=lambda c: (c.order, c.key)
    )


def checklist(cycle: Cycle) -> list[ChecklistItem]:
    """The exit checklist of the cycle's current phase, evaluated now."""
    return checklist_for(cycle, cycle.phase)


def checklist_for(cycle: Cycle, phase: str) -> list[ChecklistItem]:
    """The exit checklist of ``phase`` for this cycle (e.g. to show the Data items on its page)."""
    items = []
    # What several checks need is read once (``complete_goals``); inside a page's own scope
    # (the dashboard) with the page's other parts (the analyses panel's counts).
    with memo_scope(join=True):
        for check in checks_for(phase):
            result = check.func(cycle)
            items.append(
                ChecklistItem(
                    key=check.key,
                    label=str(check.label),
                    ok=bool(result.ok),
                    explanation=str(result.explanation),
                )
            )
    return items


def gate_passes(items: list[ChecklistItem]) -> bool:
    return all(item.ok for item in items)


# --- The checks this app can answer itself -------------------------------------------------------


def check_session(cycle: Cycle) -> CheckResult:
    count = cycle.sessions.count()
    if count:
        return CheckResult(
            True,
            ngettext("%(count)s sessie vastgelegd.", "%(count)s sessies vastgelegd.", count)
            % {"count": count},
        )
    return CheckResult(False, _("Leg minstens één duidingssessie met belanghebbenden vast."))


def check_prioritised_finding(cycle: Cycle) -> CheckResult:
    count = Finding.objects.filter(cycle=cycle, priority__isnull=False).count()
    if count:
        return CheckResult(
            True,
            ngettext(
                "%(count)s bevinding geprioriteerd.", "%(count)s bevindingen geprioriteerd.", count
            )
            % {"count": count},
        )
    return CheckResult(False, _("Geef minstens één bevinding een prioriteit."))


def complete_goals_q() -> Q:
    """``Goal.is_complete`` as a filter: every field of ``Goal.REQUIRED_FOR_COMPLETE`` filled."""
    condition = Q()
    for name in Goal.REQUIRED_FOR_COMPLETE:
        condition &= Q(**{f"{name}__isnull": False})
        if isinstance(Goal._meta.get_field(name), CharField):
            condition &= ~Q(**{name: ""})
    return condition


def complete_goals(cycle: Cycle) -> list[Goal]:
    """Goals with indicator, baseline, target, deadline and spending category (for other apps too):
    one query, read once per checklist evaluation however many checks ask."""
    return memo(
        ("complete_goals", cycle.pk),
        lambda: list(
            Goal.objects.filter(cycle=cycle, municipality_id=cycle.municipality_id)
            .filter(complete_goals_q())
            .only("pk", "title", "cycle_id")
            .order_by("pk")
        ),
    )


def check_complete_goal(cycle: Cycle) -> CheckResult:
    complete = complete_goals(cycle)
    if complete:
        return CheckResult(
            True,
            ngettext("%(count)s compleet doel.", "%(count)s complete doelen.", len(complete))
            % {"count": len(complete)},
        )
    return CheckResult(
        False,
        _(
            "Maak minstens één doel compleet: indicator, nulmeting, streefwaarde, deadline en "
            "bestedingsdoel."
        ),
    )


def check_activities_monitored(cycle: Cycle) -> CheckResult:
    activities = Activity.objects.filter(goal__cycle=cycle)
    total = activities.count()
    if not total:
        return CheckResult(False, _("Er zijn nog geen activiteiten bij de doelen."))
    without_status = activities.filter(status="").count()
    monitored = (
        ProgressUpdate.objects.filter(activity__goal__cycle=cycle)
        .values("activity")
        .distinct()
        .count()
    )
    missing = total - monitored
    if without_status or missing:
        return CheckResult(
            False,
            ngettext(
                "Nog geen voortgangsupdate: %(missing)s van %(total)s activiteit.",
                "Nog geen voortgangsupdate: %(missing)s van %(total)s activiteiten.",
                total,
            )
            % {"missing": missing, "total": total},
        )
    return CheckResult(
        True,
        ngettext(
            "De activiteit heeft een status en een update.",
            "Alle %(total)s activiteiten hebben een status en een update.",
            total,
        )
        % {"total": total},
    )


def check_goal_outcomes(cycle: Cycle) -> CheckResult:
    total = cycle.goals.count()
    if not total:
        return CheckResult(False, _("Deze cyclus heeft geen doelen om te evalueren."))
    missing = cycle.goals.filter(outcome__isnull=True).count()
    if missing:
        return CheckResult(
            False,
            ngettext(
                "Nog geen resultaat: %(missing)s van %(total)s doel.",
                "Nog geen resultaat: %(missing)s van %(total)s doelen.",
                total,
            )
            % {"missing": missing, "total": total},
        )
    return CheckResult(
        True,
        ngettext("Het doel is geëvalueerd.", "Alle %(total)s doelen zijn geëvalueerd.", total)
        % {"total": total},
    )


def check_process_evaluation(cycle: Cycle) -> CheckResult:
    if cycle.process_evaluation.strip():
        return CheckResult(True, _("Procesevaluatie vastgelegd."))
    return CheckResult(False, _("Schrijf de procesevaluatie van deze cyclus."))


register_check(Phase.DUIDEN, "session", _("Minstens één duidingssessie"), check_session, order=10)
register_check(
    Phase.DUIDEN,
    "prioritised_finding",
    _("Minstens één geprioriteerde bevinding"),
    check_prioritised_finding,
    order=20,
)
register_check(
    Phase.DOELEN, "complete_goal", _("Minstens één compleet doel"), check_complete_goal, order=10
)
register_check(
    Phase.DOEN,
    "activities_monitored",
    _("Elke activiteit heeft een status en minstens één voortgangsupdate"),
    check_activities_monitored,
    order=10,
)
register_check(
    Phase.EVALUATIE,
    "goal_outcomes",
    _("Een resultaat voor elk doel"),
    check_goal_outcomes,
    order=10,
)
register_check(
    Phase.EVALUATIE,
    "process_evaluation",
    _("Procesevaluatie"),
    check_process_evaluation,
    order=20,
)
