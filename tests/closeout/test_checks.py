"""Every check before sign-off, both sides: present when the problem is, absent when it is not."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from closeout.checks import BLOCKING, WARNING, accounting_checks
from closeout.selectors import accounting_figures
from cycles.models import GoalOutcome
from tests.budgets.factories import (
    CommitmentFactory,
    GoalFactory,
    SpendingFactory,
    SpendingGoalFactory,
)
from tests.closeout.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def codes(accounting):
    figures = accounting_figures(
        municipality=accounting.municipality, stream=accounting.stream, accounting=accounting
    )
    return {
        c.code.split(":")[0]: c for c in accounting_checks(figures=figures, accounting=accounting)
    }


def test_the_ready_accounting_has_no_checks(ready):
    assert codes(ready) == {}


def test_spending_outside_the_window_blocks(ready, municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    SpendingFactory(spending_goal=goal, date=datetime.date(2025, 8, 1), amount=Decimal("5"))
    check = codes(ready)["outside_window"]
    assert check.severity == BLOCKING
    assert "buiten de termijn" in check.message and "€ 5,00" in check.message
    assert check.url == f"/g/{municipality.slug}/budget/realisatie/"


def test_no_beschikking_blocks(ready, municipality):
    assert "no_beschikking" not in codes(ready)
    municipality.beschikkingen.all().delete()
    check = codes(ready)["no_beschikking"]
    assert check.severity == BLOCKING and "geen beschikking" in check.message
    assert check.url == reverse("budgets:beschikking_list", args=[municipality.slug])


def test_an_open_commitment_at_the_window_end_blocks(ready, municipality):
    goal = SpendingGoalFactory(municipality=municipality, title="Bijles groep 8")
    CommitmentFactory(spending_goal=goal, date=datetime.date(2025, 5, 1), amount=Decimal("900"))
    SpendingFactory(spending_goal=goal, date=datetime.date(2025, 6, 1), amount=Decimal("400"))
    ready.ledger_amounts.create(municipality=municipality, year=2025, amount=Decimal("400"))
    check = codes(ready)["open_commitment"]
    assert check.severity == BLOCKING
    assert "Bijles groep 8" in check.message and "€ 500,00" in check.message
    assert "staat op 31 jul. 2025 nog" in check.message  # the interface's one date style
    # Paid in full (prestatiedatum inside the window): the check goes.
    SpendingFactory(spending_goal=goal, date=datetime.date(2025, 7, 31), amount=Decimal("500"))
    ready.ledger_amounts.filter(year=2025).update(amount=Decimal("900"))
    assert "open_commitment" not in codes(ready)


def test_a_year_that_differs_from_the_grootboek_blocks(ready, municipality):
    ready.ledger_amounts.filter(year=2022).update(amount=Decimal("1100"))
    check = codes(ready)["ledger"]
    assert check.severity == BLOCKING
    assert "2022" in check.message and "€ 100,00" in check.message
    assert check.url.endswith("/eindverantwoording/npo-gemeenten/grootboek/")


def test_a_year_with_spending_but_no_grootboek_amount_blocks(ready, municipality):
    ready.ledger_amounts.all().delete()
    assert "geen grootboekbedrag" in codes(ready)["ledger"].message


def test_no_consultation_with_school_boards_and_childcare_warns(ready):
    assert "no_consultation" not in codes(ready)
    ready.consultations.update(with_childcare=False)
    check = codes(ready)["no_consultation"]
    assert check.severity == WARNING and "kinderopvang" in check.message
    ConsultationFactory(accounting=ready, in_lea_oogo=False)
    assert "no_consultation" not in codes(ready)


def test_a_goal_without_outcome_warns(ready, municipality):
    goal_with_spending = ready.municipality.spending_goals.get()
    goal = GoalFactory(municipality=municipality, cycle=goal_with_spending.cycle, title="Taal 1F")
    goal_with_spending.goals.add(goal)
    check = codes(ready)["no_outcome"]
    assert check.severity == WARNING and "Taal 1F" in check.message
    assert f"/doelen/{goal.pk}/" in check.url
    GoalOutcome.objects.create(
        municipality=municipality, goal=goal, result="achieved", explanation="Gehaald"
    )
    assert "no_outcome" not in codes(ready)


def test_a_category_the_stream_does_not_allow_blocks(ready, municipality, monkeypatch):
    from closeout import selectors

    assert "category_not_allowed" not in codes(ready)
    monkeypatch.setitem(selectors.ALLOWED_CATEGORIES, "npo-gemeenten", frozenset({"voorschool"}))
    check = codes(ready)["category_not_allowed"]
    assert check.severity == BLOCKING and "€ 1.200,00" in check.message
