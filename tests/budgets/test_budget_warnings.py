"""The budget warnings for the serious cases, each on both sides of its boundary: spending above
the allocation (per period only for streams that tie money to a year), commitments above the
plan or the allocation, allocations and plans outside the window, spending without an allocation;
the same warnings in the portfolio and in the plan's budget section; Dutch service errors."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from budgets import services
from budgets.models import Allocation, Commitment, FundingStream, PlannedAmount
from budgets.selectors import budget_overview, budget_warnings_for
from reports.snapshot.budget import budget_section
from tests.budgets.factories import (
    AllocationFactory,
    CommitmentFactory,
    PlannedAmountFactory,
    SpendingFactory,
    SpendingGoalFactory,
    stream,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch():
    """The messages are asserted in Dutch, whatever language an earlier test left active."""
    with translation.override("nl"):
        yield


D = Decimal
AFTER_WINDOW = datetime.date(2026, 1, 1)


def warnings(municipality, as_of=AFTER_WINDOW):
    return budget_overview(municipality=municipality, as_of=as_of).warnings


def codes(municipality, as_of=AFTER_WINDOW):
    return [w.code for w in warnings(municipality, as_of)]


# --- Spending above the allocation -----------------------------------------------------------


@pytest.mark.parametrize(("spent", "warned"), [("3850000.00", False), ("3850000.01", True)])
def test_spending_above_the_total_allocation(municipality, spent, warned):
    AllocationFactory(municipality=municipality, period="2023-2024", amount=D("3850000.00"))
    SpendingFactory(spending_goal__municipality=municipality, amount=D(spent))
    found = [w for w in warnings(municipality) if w.code == "spent_over_allocated"]
    assert bool(found) is warned
    if warned:
        assert found[0].text == (
            "Op NPO gemeenten is € 3.850.000,01 besteed, maar € 3.850.000,00 toegekend: "
            "€ 0,01 meer besteed dan er is."
        )


def test_five_million_spent_against_3_85_million_is_not_silent(municipality):
    """The reported case: the underspend warning went, and nothing took its place."""
    AllocationFactory(municipality=municipality, period="2023-2024", amount=D("3850000.00"))
    SpendingFactory(spending_goal__municipality=municipality, amount=D("5000000.00"))
    assert codes(municipality) == ["spent_over_allocated"]
    assert "€ 1.150.000,00 meer besteed" in warnings(municipality)[0].text


def test_npo_money_may_move_between_school_years_inside_the_window(municipality):
    AllocationFactory(municipality=municipality, period="2023-2024", amount=D("100.00"))
    AllocationFactory(municipality=municipality, period="2024-2025", amount=D("100.00"))
    SpendingFactory(
        spending_goal__municipality=municipality, date=datetime.date(2024, 3, 1), amount=D("200")
    )
    assert not stream().money_per_period
    assert codes(municipality) == []


@pytest.mark.parametrize(("spent", "warned"), [("100.00", False), ("100.01", True)])
def test_per_period_check_for_a_stream_that_ties_money_to_a_year(municipality, spent, warned):
    oab = stream("oab")
    assert oab.money_per_period
    AllocationFactory(municipality=municipality, stream=oab, period="2023", amount=D("100.00"))
    AllocationFactory(municipality=municipality, stream=oab, period="2024", amount=D("100.00"))
    SpendingFactory(
        spending_goal__municipality=municipality,
        stream=oab,
        date=datetime.date(2023, 6, 1),
        amount=D(spent),
    )
    found = [w for w in warnings(municipality) if w.code == "spent_over_allocated_period"]
    assert bool(found) is warned
    if warned:
        assert found[0].text.startswith(
            "In 2023 is op Gemeentelijk onderwijsachterstandenbeleid (GOAB/OAB) € 100,01 besteed, "
            "maar voor die periode is € 100,00 toegekend."
        )
    assert "spent_over_allocated" not in codes(municipality)  # the total is within bounds


# --- Commitments above the plan or the allocation --------------------------------------------


@pytest.mark.parametrize(("committed", "warned"), [("100.00", False), ("100.01", True)])
def test_commitments_above_the_plan(municipality, committed, warned):
    AllocationFactory(municipality=municipality, amount=D("1000.00"))
    goal = SpendingGoalFactory(municipality=municipality)
    PlannedAmountFactory(spending_goal=goal, amount=D("100.00"))
    CommitmentFactory(spending_goal=goal, amount=D(committed))
    found = [w for w in warnings(municipality) if w.code == "committed_over_planned"]
    assert bool(found) is warned
    if warned:
        assert found[0].text == (
            "Voor NPO gemeenten is € 100,01 verplicht, maar € 100,00 gepland: "
            "€ 0,01 meer verplicht dan gepland."
        )
    assert "committed_over_allocated" not in codes(municipality)


@pytest.mark.parametrize(("committed", "warned"), [("1000.00", False), ("1000.01", True)])
def test_commitments_above_the_allocation(municipality, committed, warned):
    AllocationFactory(municipality=municipality, amount=D("1000.00"))
    goal = SpendingGoalFactory(municipality=municipality)
    PlannedAmountFactory(spending_goal=goal, amount=D("1000.00"))
    CommitmentFactory(spending_goal=goal, amount=D(committed))
    found = [w for w in warnings(municipality) if w.code == "committed_over_allocated"]
    assert bool(found) is warned
    if warned:
        assert "€ 1.000,01 verplicht, maar € 1.000,00 toegekend" in found[0].text


def test_commitments_on_money_without_plan_or_allocation_give_no_commitment_warning(
    municipality,
):
    CommitmentFactory(spending_goal__municipality=municipality, stream=stream("overig"))
    assert codes(municipality) == []


# --- Periods and the window ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "warned"),
    [
        ("2019-2020", True),  # ends 31 July 2020, a year before the NPO window opens
        ("2020-2021", False),  # its last month, July 2021, is inside the window (from 1 July 2021)
        ("2021-2022", False),
        ("2024-2025", False),
        ("2025-2026", True),  # starts 1 August 2025, the day after the window closed
        ("2027-2028", True),
    ],
)
def test_allocation_in_a_period_outside_the_window(municipality, period, warned):
    AllocationFactory(municipality=municipality, period=period, amount=D("10.00"))
    found = [w for w in warnings(municipality) if w.code == "period_outside_window"]
    assert bool(found) is warned
    if warned:
        assert found[0].text == (
            f"Voor NPO gemeenten is in {period} geld toegekend of gepland, maar die periode valt "
            "helemaal buiten de bestedingstermijn (1 juli 2021 – 31 juli 2025)."
        )


@pytest.mark.parametrize(("period", "warned"), [("2027-2028", True), ("2022-2023", False)])
def test_plan_in_a_period_outside_the_window(municipality, period, warned):
    PlannedAmountFactory(spending_goal__municipality=municipality, period=period)
    assert ("period_outside_window" in codes(municipality)) is warned


def test_partly_overlapping_period_is_allowed_and_its_outside_days_are_named(municipality):
    partial = FundingStream.objects.create(
        code="deels",
        name="Deels",
        period_kind="schooljaar",
        window_start=datetime.date(2022, 1, 1),
        window_end=datetime.date(2023, 6, 30),
    )
    AllocationFactory(municipality=municipality, stream=partial, period="2021-2022")
    AllocationFactory(municipality=municipality, stream=partial, period="2022-2023")
    found = [w for w in warnings(municipality) if w.code.startswith("period_")]
    assert [w.code for w in found] == ["period_partly_outside_window"] * 2
    assert "1 augustus 2021 – 31 december 2021" in found[0].text
    assert "1 juli 2023 – 31 juli 2023" in found[1].text
    assert "period_outside_window" not in codes(municipality)


def test_period_exactly_the_window_has_no_window_warning(municipality):
    exact = FundingStream.objects.create(
        code="precies",
        name="Precies",
        period_kind="kalenderjaar",
        window_start=datetime.date(2022, 1, 1),
        window_end=datetime.date(2022, 12, 31),
    )
    AllocationFactory(municipality=municipality, stream=exact, period="2022")
    assert [w.code for w in warnings(municipality) if w.code.startswith("period_")] == []


# --- Spending without an allocation ----------------------------------------------------------


@pytest.mark.parametrize(("allocated", "warned"), [(None, True), ("0.01", False)])
def test_spending_on_a_stream_with_a_window_but_no_allocation(municipality, allocated, warned):
    if allocated:
        AllocationFactory(municipality=municipality, amount=D(allocated))
    SpendingFactory(spending_goal__municipality=municipality, amount=D("0.01"))
    assert ("spent_without_allocation" in codes(municipality)) is warned


def test_own_money_without_a_window_needs_no_allocation(municipality):
    SpendingFactory(
        spending_goal__municipality=municipality, stream=stream("overig"), amount=D("500.00")
    )
    assert codes(municipality) == []


# --- Portfolio and plan ----------------------------------------------------------------------


def test_portfolio_gets_the_same_warnings_in_a_fixed_number_of_queries(
    municipality, other_municipality, django_assert_num_queries
):
    AllocationFactory(municipality=municipality, period="2023-2024", amount=D("3850000.00"))
    SpendingFactory(spending_goal__municipality=municipality, amount=D("5000000.00"))
    AllocationFactory(municipality=other_municipality, period="2027-2028", amount=D("1.00"))
    with django_assert_num_queries(3):  # the streams, then two grouped reads
        found = budget_warnings_for(municipality_ids=[municipality.pk, other_municipality.pk])
    mine = [w.text for w in warnings(municipality) if w.code != "projected_unspent"]
    assert [w.text for w in found[municipality.pk]] == mine
    assert [w.code for w in found[other_municipality.pk]] == ["period_outside_window"]


def test_portfolio_row_shows_a_budget_alert(client):
    from tests.portfolio.factories import advisor_with

    user, (m,) = advisor_with(1)  # € 100.000 allocated, € 1.000 spent: nothing wrong
    client.force_login(user)
    (row,) = client.get("/portfolio/").context["rows"]
    assert "budget" not in row.alert_codes
    SpendingFactory(spending_goal__municipality=m, amount=D("99000.01"))
    (row,) = client.get("/portfolio/?alert=budget").context["rows"]
    assert [a.text for a in row.alerts if a.code == "budget"] == [
        "Op NPO gemeenten is € 100.000,01 besteed, maar € 100.000,00 toegekend: "
        "€ 0,01 meer besteed dan er is."
    ]


def test_plan_budget_section_carries_the_warnings(municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    AllocationFactory(municipality=municipality, amount=D("100.00"))
    PlannedAmountFactory(spending_goal=goal, amount=D("100.00"))
    SpendingFactory(spending_goal=goal, amount=D("150.00"))
    section = budget_section(municipality, goal.cycle)
    assert any("€ 50,00 meer besteed dan er is" in text for text in section["warnings"])


# --- Dutch service errors ----------------------------------------------------------------------


def test_negative_allocation_through_the_service_is_a_dutch_sentence(municipality):
    with pytest.raises(ValidationError) as exc:
        services.allocation_save(
            municipality=municipality, stream=stream(), period="2023-2024", amount=D("-1.00")
        )
    assert exc.value.messages == ["Het toegekende bedrag mag niet negatief zijn."]
    assert not Allocation.objects.exists()


def test_negative_commitment_through_the_service_is_a_dutch_sentence(municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    with pytest.raises(ValidationError) as exc:
        services.commitment_save(
            municipality=municipality,
            stream=stream(),
            spending_goal=goal,
            date=datetime.date(2023, 1, 1),
            amount=D("-0.01"),
            description="Creditnota",
        )
    assert exc.value.messages == ["Het bedrag van een verplichting mag niet negatief zijn."]
    assert not Commitment.objects.exists()


def test_negative_or_double_planned_amount_through_the_service_is_a_dutch_sentence(municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    PlannedAmountFactory(spending_goal=goal, amount=D("5.00"))
    fields = {"cycle": goal.cycle, "category": goal.category, "title": "Nieuw"}
    with pytest.raises(ValidationError) as exc:
        services.spending_goal_save(
            municipality=municipality,
            spending_goal=goal,
            planned=[(stream(), "2023-2024", D("-1.00"))],
            **fields,
        )
    assert exc.value.messages == ["Een gepland bedrag mag niet negatief zijn."]
    with pytest.raises(ValidationError) as exc:
        services.spending_goal_save(
            municipality=municipality,
            spending_goal=goal,
            planned=[(stream(), "2023-2024", D("1.00")), (stream(), "2023-2024", D("2.00"))],
            **fields,
        )
    assert "maar één gepland bedrag" in exc.value.messages[0]
    # Nothing half-saved: the old plan and title stand.
    goal.refresh_from_db()
    assert goal.title != "Nieuw"
    assert list(PlannedAmount.objects.values_list("amount", flat=True)) == [D("5.00")]
