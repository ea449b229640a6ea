"""Phase gates: the exit checklist a cycle must satisfy before it moves to the next phase.

The checklist is a registry so that apps above ``cycles`` (budgets, reports) can contribute items
without ``cycles`` importing them::

    # budgets/apps.py
    def ready(self):
        from cycles.gates import CheckResult, register_check
        from cycles.models import Phase

        register_check(Phase.DOELEN, "budget_planned", _("Budget gepland voor een compleet doel"),
                       budget_planned_check)          # func(cycle) -> CheckResult

A few items are known before their owner exists (the gemeentefoto, the budget). They are
registered here as *placeholders*: open, with a Dutch explanation of what is missing, so the gate
blocks and says why. ``register_check`` with the same ``(phase, key)`` replaces the placeholder,
whatever order the apps load in.

Checks run once per page view of a single cycle (not in lists), so each may do a query or two.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

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
    placeholder: bool = False


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


def register_placeholder(phase: str, key: str, label: str, explanation: str, *, order: int = 100):
    """An item owned by an app that does not exist yet: always open, with ``explanation``.

    Never replaces a real check that was registered earlier.
    """
    if (str(phase), key) in _registry:
        return _registry[(str(phase), key)]

    def still_open(cycle: Cycle) -> CheckResult:
        return CheckResult(False, str(explanation))

    check = Check(
        phase=str(phase), key=key, label=label, func=still_open, order=order, placeholder=True
    )
    _registry[(check.phase, key)] = check
    return check


def unregister_check(phase: str, key: str) -> None:
    """Remove a check (for tests that register a temporary one)."""
    _registry.pop((str(phase), key), None)


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


def _school_analyses_counter() -> Callable[[Cycle], int] | None:
    """The schools app's count of school analyses received for a cycle, once it has one.

    School analyses (issue 6) live in the schools app, below this one. When
    ``schools.selectors.school_analyses_received_count(*, cycle) -> int`` exists, received
    analyses satisfy the check; until then only an explicit waiver does.
    """
    try:
        from schools import selectors
    except ImportError:
        return None
    counter = getattr(selectors, "school_analyses_received_count", None)
    return (lambda cycle: counter(cycle=cycle)) if counter else None


def check_school_analyses(cycle: Cycle) -> CheckResult:
    if cycle.analyses_waived:
        return CheckResult(
            True,
            _("Afgezien van schoolanalyses: %(reason)s") % {"reason": cycle.analyses_waiver_reason},
        )
    counter = _school_analyses_counter()
    if counter is None:
        return CheckResult(
            False,
            _(
                "Schoolanalyses kunnen nog niet via het platform worden ingediend. "
                "Zie er met een reden van af om verder te gaan."
            ),
        )
    received = counter(cycle)
    if received:
        return CheckResult(True, _("%(count)s schoolanalyse(s) ontvangen.") % {"count": received})
    return CheckResult(
        False,
        _("Nog geen schoolanalyses ontvangen. Wacht op de scholen of zie er met een reden van af."),
    )


def check_session(cycle: Cycle) -> CheckResult:
    count = cycle.sessions.count()
    if count:
        return CheckResult(True, _("%(count)s sessie(s) vastgelegd.") % {"count": count})
    return CheckResult(False, _("Leg minstens één duidingssessie met belanghebbenden vast."))


def check_prioritised_finding(cycle: Cycle) -> CheckResult:
    count = Finding.objects.filter(cycle=cycle, priority__isnull=False).count()
    if count:
        return CheckResult(True, _("%(count)s bevinding(en) geprioriteerd.") % {"count": count})
    return CheckResult(False, _("Geef minstens één bevinding een prioriteit."))


def complete_goals(cycle: Cycle) -> list[Goal]:
    """Goals with indicator, baseline, target, deadline and spending category (for other apps too)."""
    return [
        goal for goal in Goal.objects.filter(cycle=cycle).exclude(indicator="") if goal.is_complete
    ]


def check_complete_goal(cycle: Cycle) -> CheckResult:
    complete = complete_goals(cycle)
    if complete:
        return CheckResult(True, _("%(count)s compleet doel/doelen.") % {"count": len(complete)})
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
            _("%(missing)s van %(total)s activiteit(en) hebben nog geen voortgangsupdate.")
            % {"missing": missing, "total": total},
        )
    return CheckResult(
        True, _("Alle %(total)s activiteiten hebben een status en een update.") % {"total": total}
    )


def check_goal_outcomes(cycle: Cycle) -> CheckResult:
    total = cycle.goals.count()
    if not total:
        return CheckResult(False, _("Deze cyclus heeft geen doelen om te evalueren."))
    missing = cycle.goals.filter(outcome__isnull=True).count()
    if missing:
        return CheckResult(
            False,
            _("%(missing)s van %(total)s doel(en) hebben nog geen resultaat.")
            % {"missing": missing, "total": total},
        )
    return CheckResult(True, _("Alle %(total)s doelen zijn geëvalueerd.") % {"total": total})


def check_process_evaluation(cycle: Cycle) -> CheckResult:
    if cycle.process_evaluation.strip():
        return CheckResult(True, _("Procesevaluatie vastgelegd."))
    return CheckResult(False, _("Schrijf de procesevaluatie van deze cyclus."))


register_check(
    Phase.DATA,
    "school_analyses",
    _("Schoolanalyses ontvangen of bewust van afgezien"),
    check_school_analyses,
    order=20,
)
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


def register_placeholders() -> None:
    """Items other apps own (reports: gemeentefoto; budgets: budget planned). Their own
    ``register_check`` replaces these; until then the gate stays closed and says why."""
    register_placeholder(
        Phase.DATA,
        "gemeentefoto",
        _("Gemeentefoto gegenereerd"),
        _(
            "Het genereren van de gemeentefoto is nog niet beschikbaar in het platform; "
            "zodra dat kan, wordt dit punt afgevinkt als de gemeentefoto voor deze cyclus klaar is."
        ),
        order=10,
    )
    register_placeholder(
        Phase.DOELEN,
        "budget_planned",
        _("Budget gepland voor een compleet doel"),
        _(
            "Budgetten plannen is nog niet beschikbaar in het platform; zodra dat kan, wordt dit "
            "punt afgevinkt als er budget gepland is voor minstens één compleet doel."
        ),
        order=20,
    )


register_placeholders()
