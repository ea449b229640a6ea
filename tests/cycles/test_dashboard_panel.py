"""The dashboard's cycle panel shows the cycle's progress as ``cycle_progress`` computes it: the
same figure, read through a query compiled once per process (issue 23)."""

from decimal import Decimal

import pytest

from cycles import selectors
from cycles.models import Phase
from cycles.panels import cycle_panel, dashboard_cycle_progress
from municipalities.models import Role
from tests.cycles.factories import ActivityFactory, CycleFactory, GoalFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def _measured(cycle, baseline, target, latest):
    goal = GoalFactory(cycle=cycle, baseline=baseline, target_value=target)
    if latest is not None:
        ProgressUpdateFactory(activity=ActivityFactory(goal=goal), measured_value=latest)
    return goal


def test_the_panels_progress_is_cycle_progress(municipality, other_municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    empty = CycleFactory(municipality=municipality, phase=Phase.AFGEROND)
    theirs = CycleFactory(municipality=other_municipality, phase=Phase.DOEN)
    _measured(cycle, Decimal("60"), Decimal("80"), Decimal("95"))  # past the target: 1
    _measured(cycle, Decimal("60"), Decimal("80"), Decimal("50"))  # worse: 0
    _measured(cycle, Decimal("0"), Decimal("3"), Decimal("1"))  # 1/3
    _measured(cycle, Decimal("5"), Decimal("5"), Decimal("7"))  # baseline = target: none
    _measured(cycle, Decimal("5"), Decimal("9"), None)  # not measured
    _measured(theirs, Decimal("0"), Decimal("10"), Decimal("10"))
    for c in (cycle, empty, theirs):
        assert dashboard_cycle_progress(c) == selectors.cycle_progress(cycle=c)
    assert dashboard_cycle_progress(cycle) == selectors.CycleProgress(
        fraction=Decimal("0.444444"), measured=3, total=5
    )
    assert dashboard_cycle_progress(empty) == selectors.NO_PROGRESS


def test_the_panel_shows_the_open_cycle(municipality, member_factory):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    _measured(cycle, Decimal("0"), Decimal("10"), Decimal("5"))
    membership = member_factory(municipality, Role.POLICY_OFFICER).memberships.get()
    data = cycle_panel(municipality=municipality, membership=membership)
    assert data["cycle"] == cycle and data["progress"].percent == 50
