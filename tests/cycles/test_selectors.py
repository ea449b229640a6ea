"""The cycle's figures computed in the database (issue 23): goal and cycle progress, complete
goals, each read once, in a number of queries that does not grow with the rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cycles import gates, selectors
from cycles.models import Phase
from municipalities.models import Role
from tests.cycles.factories import (
    ActivityFactory,
    CycleFactory,
    GoalFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db


def _measured(cycle, baseline, target, latest):
    goal = GoalFactory(cycle=cycle, baseline=baseline, target_value=target)
    if latest is not None:
        ProgressUpdateFactory(activity=ActivityFactory(goal=goal), measured_value=latest)
    return goal


def test_goal_progress_in_sql_clamps_and_leaves_out_what_cannot_be_computed(municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    beyond = _measured(cycle, Decimal("60"), Decimal("80"), Decimal("95"))  # past the target
    backwards = _measured(cycle, Decimal("60"), Decimal("80"), Decimal("50"))  # worse
    third = _measured(cycle, Decimal("0"), Decimal("3"), Decimal("1"))  # 1/3, six decimals
    flat = _measured(cycle, Decimal("5"), Decimal("5"), Decimal("7"))  # baseline = target
    no_target = _measured(cycle, Decimal("5"), None, Decimal("7"))
    unmeasured = _measured(cycle, Decimal("5"), Decimal("9"), None)
    goals = {g.pk: g for g in selectors.cycle_goals(cycle=cycle)}
    assert goals[beyond.pk].progress == 1
    assert goals[backwards.pk].progress == 0
    assert goals[third.pk].progress == Decimal("0.333333")
    assert goals[third.pk].progress_percent == 33
    for goal in (flat, no_target, unmeasured):
        assert goals[goal.pk].progress is None and goals[goal.pk].progress_percent is None
    progress = selectors.cycle_progress(cycle=cycle)
    assert progress.measured == 3 and progress.total == 6
    assert progress.fraction == Decimal("0.444444")  # (1 + 0 + 0.333333) / 3, six decimals
    assert progress.percent == 44


def test_cycle_progress_is_one_query_whatever_the_number_of_goals(
    municipality, django_assert_num_queries
):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    other = CycleFactory(municipality=municipality, phase=Phase.AFGEROND)
    empty = CycleFactory(municipality=municipality, phase=Phase.AFGEROND)
    _measured(cycle, Decimal("0"), Decimal("10"), Decimal("5"))
    with django_assert_num_queries(1):
        selectors.cycle_progress(cycle=cycle)
    for n in range(6):
        _measured(cycle, Decimal("0"), Decimal("10"), Decimal(n))
        _measured(other, Decimal("10"), Decimal("0"), Decimal(n))
    with django_assert_num_queries(1):
        found = selectors.cycles_progress(cycles=[cycle, other, empty])
    assert found[cycle.pk].total == 7 and found[cycle.pk].percent == 29  # (0.5 + 0..0.5) / 7
    assert found[other.pk].total == 6 and found[other.pk].percent == 75  # 10→0 at 0..5: 1..0.5
    assert found[empty.pk] == selectors.CycleProgress(fraction=None, measured=0, total=0)


def test_cycles_progress_reads_only_the_cycles_municipality(municipality, other_municipality):
    mine = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    theirs = CycleFactory(municipality=other_municipality, phase=Phase.DOEN)
    _measured(theirs, Decimal("0"), Decimal("10"), Decimal("10"))
    # A foreign cycle passed together with one's own is not counted.
    found = selectors.cycles_progress(cycles=[mine, theirs])
    assert found[mine.pk].total == 0 and found[theirs.pk].total == 0


def test_complete_goals_is_one_query_read_once_per_checklist(municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
    complete = GoalFactory(
        cycle=cycle,
        indicator="Rekenen 1F",
        baseline=Decimal("50"),
        target_value=Decimal("60"),
        deadline=datetime.date(2025, 7, 1),
        spending_category="inhalen",
    )
    GoalFactory(cycle=cycle, indicator="", baseline=Decimal("1"))  # incomplete
    GoalFactory(cycle=cycle, indicator="Iets", spending_category="")  # incomplete
    assert [g.pk for g in gates.complete_goals(cycle)] == [complete.pk]
    # The Doelen checklist asks twice (its own item and the budgets app's): one query.
    with CaptureQueriesContext(connection) as ctx:
        items = gates.checklist(cycle)
    goal_reads = [q for q in ctx.captured_queries if '"cycles_goal"."indicator"' in q["sql"]]
    assert len(goal_reads) == 1, goal_reads
    assert {item.key for item in items} >= {"complete_goal", "budget_planned"}


def test_dashboard_reads_the_open_cycle_once(client, municipality, member_factory):
    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    _measured(cycle, Decimal("0"), Decimal("10"), Decimal("5"))
    path = reverse("municipalities:dashboard", args=[municipality.slug])
    client.get(path)  # the first request after login refreshes the session
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(path).content.decode()
    # Reads of the cycle itself (the analyses panel counts its analyses on the cycle's row, by
    # its id only).
    cycle_reads = [q for q in ctx.captured_queries if '"cycles_cycle"."title"' in q["sql"]]
    assert len(cycle_reads) == 1, cycle_reads
    assert "Voortgang van de doelen: 50%" in body
