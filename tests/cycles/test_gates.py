"""Every phase gate, blocked and passing, and the registry's contract with other apps."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cycles import gates, services
from cycles.gates import CheckResult
from cycles.models import ActivityStatus, GoalOutcome, Phase, PhaseTransition
from municipalities.models import AuditLogEntry
from tests.cycles.factories import (
    ActivityFactory,
    CycleFactory,
    FindingFactory,
    GoalFactory,
    ProgressUpdateFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def open_keys(cycle):
    return {item.key for item in gates.checklist(cycle) if not item.ok}


def test_data_gate_blocks_without_waiver_and_passes_with_it(
    municipality, officer, satisfy_external_checks
):
    cycle = CycleFactory(municipality=municipality)
    assert open_keys(cycle) == {"school_analyses"}
    with pytest.raises(services.GateBlocked) as blocked:
        services.cycle_advance(cycle=cycle, actor=officer)
    assert "Schoolanalyses" in " ".join(blocked.value.messages)
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DATA
    assert not PhaseTransition.objects.exists()

    services.cycle_waive_analyses(
        cycle=cycle, waived=True, reason="Scholen leverden al in via het SWV"
    )
    services.cycle_advance(cycle=cycle, actor=officer, note="Foto besproken")
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DUIDEN
    t = PhaseTransition.objects.get()
    assert (t.from_phase, t.to_phase, t.actor, t.note, t.direction) == (
        "data",
        "duiden",
        officer,
        "Foto besproken",
        "forward",
    )
    assert t.municipality == municipality
    event = AuditLogEntry.objects.get(event=AuditLogEntry.Event.PHASE_CHANGED)
    assert (event.municipality, event.actor) == (municipality, officer)
    assert event.changes_dict["phase"] == ["data", "duiden"]


def test_other_apps_registered_their_gate_items():
    """analyses, budgets and reports contribute their items through the registry (no upward
    import): each item is answered by its owner's module."""
    owners = {
        ("data", "school_analyses"): "analyses.gates",
        ("data", "gemeentefoto"): "reports.gates",
        ("doelen", "budget_planned"): "budgets.gates",
    }
    for key, module in owners.items():
        assert gates._registry[key].func.__module__ == module


def test_waiver_needs_a_reason(municipality):
    cycle = CycleFactory(municipality=municipality)
    with pytest.raises(ValidationError):
        services.cycle_waive_analyses(cycle=cycle, waived=True, reason="  ")


def test_duiden_gate(municipality, officer):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    assert open_keys(cycle) == {"session", "prioritised_finding"}
    SessionFactory(cycle=cycle)
    FindingFactory(cycle=cycle, priority=None)
    assert open_keys(cycle) == {"prioritised_finding"}
    with pytest.raises(services.GateBlocked):
        services.cycle_advance(cycle=cycle, actor=officer)
    FindingFactory(cycle=cycle, priority=2)
    assert open_keys(cycle) == set()
    services.cycle_advance(cycle=cycle, actor=officer)
    assert cycle.phase == Phase.DOELEN


def test_doelen_gate_needs_complete_goal_and_budget(municipality, officer, satisfy_external_checks):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
    incomplete = GoalFactory(cycle=cycle, deadline=None, spending_category="")
    assert open_keys(cycle) == {"complete_goal"}
    assert set(incomplete.missing_for_complete) == {"deadline", "bestedingsdoel"}
    with pytest.raises(services.GateBlocked):
        services.cycle_advance(cycle=cycle, actor=officer)
    GoalFactory(cycle=cycle)
    services.cycle_advance(cycle=cycle, actor=officer)
    assert cycle.phase == Phase.DOEN


def test_doelen_gate_blocks_when_budget_check_fails(municipality, officer):
    saved = dict(gates._registry)
    try:
        gates.register_check(
            Phase.DOELEN, "budget_planned", "Budget", lambda c: CheckResult(False, "geen budget")
        )
        cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
        GoalFactory(cycle=cycle)
        with pytest.raises(services.GateBlocked) as blocked:
            services.cycle_advance(cycle=cycle, actor=officer)
        assert "geen budget" in " ".join(blocked.value.messages)
    finally:
        gates._registry.clear()
        gates._registry.update(saved)


def test_doen_gate_needs_an_update_for_every_activity(municipality, officer):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    goal = GoalFactory(cycle=cycle)
    assert open_keys(cycle) == {"activities_monitored"}  # no activities at all
    a1 = ActivityFactory(goal=goal)
    a2 = ActivityFactory(goal=goal, status=ActivityStatus.PLANNED)
    ProgressUpdateFactory(activity=a1)
    item = gates.checklist(cycle)[0]
    assert not item.ok and "1 van 2" in item.explanation
    ProgressUpdateFactory(activity=a2)
    services.cycle_advance(cycle=cycle, actor=officer)
    assert cycle.phase == Phase.EVALUATIE


def test_evaluatie_gate_needs_outcomes_and_process_evaluation(municipality, officer):
    cycle = CycleFactory(municipality=municipality, phase=Phase.EVALUATIE)
    g1, g2 = GoalFactory(cycle=cycle), GoalFactory(cycle=cycle)
    assert open_keys(cycle) == {"goal_outcomes", "process_evaluation"}
    services.goal_outcome_set(cycle=cycle, goal=g1, result="achieved", explanation="Gehaald")
    services.cycle_evaluation_update(cycle=cycle, process_evaluation="Goed", lessons_learned="")
    assert open_keys(cycle) == {"goal_outcomes"}
    with pytest.raises(services.GateBlocked):
        services.cycle_advance(cycle=cycle, actor=officer)
    services.goal_outcome_set(
        cycle=cycle, goal=g2, result=GoalOutcome.Result.PARTLY, explanation="Half"
    )
    services.cycle_advance(cycle=cycle, actor=officer)
    assert cycle.phase == Phase.AFGEROND
    with pytest.raises(ValidationError):
        services.cycle_advance(cycle=cycle, actor=officer)


def test_going_back_needs_a_reason_and_is_recorded(municipality, officer):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
    with pytest.raises(ValidationError):
        services.cycle_go_back(cycle=cycle, actor=officer, reason=" ")
    services.cycle_go_back(cycle=cycle, actor=officer, reason="Nieuwe data van de GGD")
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DUIDEN
    t = PhaseTransition.objects.get()
    assert (t.direction, t.from_phase, t.to_phase, t.note) == (
        "back",
        "doelen",
        "duiden",
        "Nieuwe data van de GGD",
    )


def test_cannot_go_back_from_data_or_from_afgerond(municipality, officer):
    cycle = CycleFactory(municipality=municipality)
    with pytest.raises(ValidationError):
        services.cycle_go_back(cycle=cycle, actor=officer, reason="x")
    cycle.phase = Phase.AFGEROND
    cycle.save()
    with pytest.raises(ValidationError):
        services.cycle_go_back(cycle=cycle, actor=officer, reason="x")


def test_checklist_query_count_is_small(municipality, django_assert_max_num_queries):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    for _ in range(5):
        ProgressUpdateFactory(activity=ActivityFactory(goal=GoalFactory(cycle=cycle)))
    with django_assert_max_num_queries(4):
        gates.checklist(cycle)


def test_one_open_cycle_per_municipality_is_a_database_constraint(municipality, other_municipality):
    from django.db import IntegrityError, transaction

    CycleFactory(municipality=municipality)
    with pytest.raises(IntegrityError), transaction.atomic():
        CycleFactory(municipality=municipality)
    # Finished cycles do not count; other municipalities are independent.
    CycleFactory(municipality=municipality, phase=Phase.AFGEROND)
    CycleFactory(municipality=other_municipality)
    with pytest.raises(ValidationError):
        services.cycle_create(
            municipality=municipality,
            title="Tweede",
            start_date=datetime.date(2025, 8, 1),
            end_date=datetime.date(2026, 7, 31),
        )


def test_progress_is_computed_from_latest_measurement(municipality):
    from cycles import selectors

    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    up = GoalFactory(cycle=cycle, baseline=Decimal("60"), target_value=Decimal("80"))
    down = GoalFactory(cycle=cycle, baseline=Decimal("40"), target_value=Decimal("20"), unit="")
    unmeasured = GoalFactory(cycle=cycle)
    a_up = ActivityFactory(goal=up)
    ProgressUpdateFactory(
        activity=a_up, date=datetime.date(2024, 10, 1), measured_value=Decimal("75")
    )
    ProgressUpdateFactory(
        activity=a_up, date=datetime.date(2024, 12, 1), measured_value=Decimal("70")
    )
    ProgressUpdateFactory(activity=a_up, date=datetime.date(2025, 1, 1), measured_value=None)
    ProgressUpdateFactory(activity=ActivityFactory(goal=down), measured_value=Decimal("35"))
    goals = {g.pk: g for g in selectors.cycle_goals(cycle=cycle)}
    assert goals[up.pk].progress == Decimal("0.5")  # latest (December) 70: halfway 60 → 80
    assert goals[down.pk].progress == Decimal("0.25")  # 40 → 35 of 40 → 20
    assert goals[unmeasured.pk].progress is None
    rollup = selectors.cycle_progress(cycle=cycle)
    assert rollup.fraction == Decimal("0.375") and rollup.measured == 2 and rollup.total == 3
    assert rollup.percent == 38
