import datetime
from decimal import Decimal

import pytest

from budgets.models import FundingStream
from cycles.gates import checklist_for, checks_for
from cycles.models import Phase
from tests.budgets.factories import (
    GoalFactory,
    PlannedAmountFactory,
    SpendingGoalFactory,
    open_cycle,
)

pytestmark = pytest.mark.django_db


def budget_item(cycle):
    return next(i for i in checklist_for(cycle, Phase.DOELEN) if i.key == "budget_planned")


def complete_goal(municipality):
    return GoalFactory(
        municipality=municipality,
        indicator="Aandeel 1F",
        baseline=Decimal("60"),
        target_value=Decimal("70"),
        deadline=datetime.date(2025, 7, 1),
        spending_category="inhalen",
    )


def test_budget_registers_its_item_in_the_doelen_gate():
    check = next(c for c in checks_for(Phase.DOELEN) if c.key == "budget_planned")
    assert check.func.__module__ == "budgets.gates"


def test_gate_needs_planned_money_for_a_complete_goal(municipality):
    cycle = open_cycle(municipality)
    incomplete = GoalFactory(municipality=municipality)
    spending_goal = SpendingGoalFactory(municipality=municipality)
    spending_goal.goals.set([incomplete])
    PlannedAmountFactory(spending_goal=spending_goal)
    item = budget_item(cycle)
    assert not item.ok and "nog geen compleet doel" in item.explanation

    goal = complete_goal(municipality)
    assert not budget_item(cycle).ok  # complete, but no spending goal serves it
    spending_goal.goals.add(goal)
    item = budget_item(cycle)
    assert item.ok and "1 compleet doel" in item.explanation


def test_zero_planned_does_not_count(municipality):
    cycle = open_cycle(municipality)
    spending_goal = SpendingGoalFactory(municipality=municipality)
    spending_goal.goals.set([complete_goal(municipality)])
    PlannedAmountFactory(spending_goal=spending_goal, amount=Decimal("0.00"))
    assert not budget_item(cycle).ok


def test_streams_are_seeded_with_windows_and_accountability():
    streams = {s.code: s for s in FundingStream.objects.all()}
    assert set(streams) == {
        "npo-gemeenten",
        "jeugdwerkloosheid",
        "jeugd-welbevinden",
        "oab",
        "school-en-omgeving",
        "overig",
    }
    npo = streams["npo-gemeenten"]
    assert npo.window_start == datetime.date(2021, 7, 1)
    assert npo.window_end == datetime.date(2025, 7, 31)
    assert npo.is_sisa and "SiSa" in npo.accountability
    assert npo.period_kind == "schooljaar"
    assert all(s.accountability for s in streams.values())


def test_staff_edit_streams_in_the_admin(admin_client):
    response = admin_client.get("/beheer/budgets/fundingstream/")
    assert response.status_code == 200
    assert "NPO gemeenten" in response.content.decode()
