import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import Spending
from budgets.selectors import budget_overview
from core.npo import SpendingCategory
from tests.budgets.factories import (
    AllocationFactory,
    CommitmentFactory,
    CycleFactory,
    PlannedAmountFactory,
    SpendingFactory,
    SpendingGoalFactory,
    stream,
)

pytestmark = pytest.mark.django_db
D = Decimal


def codes(overview):
    return [w.code for w in overview.warnings]


def add_spending(goal, n, start=0):
    """n spending rows with awkward cent amounts; returns their exact Decimal sum."""
    rows = [
        Spending(
            municipality=goal.municipality,
            spending_goal=goal,
            stream=stream(),
            date=datetime.date(2022, 1, 1) + datetime.timedelta(days=(start + i) % 900),
            amount=D("0.01") * ((start + i) % 97) + D("333.33"),
            description=f"Rij {start + i}",
        )
        for i in range(n)
    ]
    Spending.objects.bulk_create(rows)
    return sum((r.amount for r in rows), D("0.00"))


def test_sums_are_exact_to_the_cent_over_many_rows(municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    expected = add_spending(goal, 2500)
    overview = budget_overview(municipality=municipality, as_of=datetime.date(2023, 1, 1))
    assert overview.total.spent == expected
    assert isinstance(overview.total.spent, Decimal)
    # Two decimals, also on SQLite (which sums decimals as floats): the selector quantizes.
    assert overview.total.spent.as_tuple().exponent == -2
    assert all(f.spent.as_tuple().exponent == -2 for _, f in overview.blocks[0].periods)
    assert overview.blocks[0].by_category[SpendingCategory.CATCH_UP].spent == expected
    assert sum((f.spent for _, f in overview.blocks[0].periods), D("0")) == expected


def test_query_count_is_constant_from_10_to_1000_rows(municipality, officer_client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # count the page being built (the cache has its own tests)
    goal = SpendingGoalFactory(municipality=municipality)
    AllocationFactory(municipality=municipality)
    PlannedAmountFactory(spending_goal=goal)
    CommitmentFactory(spending_goal=goal)
    add_spending(goal, 10)
    with CaptureQueriesContext(connection) as small:
        budget_overview(municipality=municipality)
    with CaptureQueriesContext(connection) as small_page:
        assert officer_client.get("/g/utrecht/budget/").status_code == 200
    add_spending(goal, 990, start=10)
    with CaptureQueriesContext(connection) as large:
        overview = budget_overview(municipality=municipality)
    with CaptureQueriesContext(connection) as large_page:
        assert officer_client.get("/g/utrecht/budget/").status_code == 200
    assert Spending.objects.count() == 1000
    assert len(small) == len(large) <= 8
    assert len(small_page) == len(large_page)
    assert overview.total.spent > 0


def test_allocated_planned_committed_spent_free_per_stream_category_and_period(municipality):
    npo, oab = stream(), stream("oab")
    AllocationFactory(municipality=municipality, period="2023-2024", amount=D("1000.00"))
    AllocationFactory(municipality=municipality, period="2024-2025", amount=D("500.00"))
    AllocationFactory(municipality=municipality, stream=oab, period="2024", amount=D("80.00"))
    summer = SpendingGoalFactory(municipality=municipality, category=SpendingCategory.CATCH_UP)
    care = SpendingGoalFactory(
        municipality=municipality, category=SpendingCategory.YOUTH_CARE, suboption=""
    )
    PlannedAmountFactory(spending_goal=summer, period="2023-2024", amount=D("700.00"))
    PlannedAmountFactory(spending_goal=care, period="2024-2025", amount=D("200.00"))
    PlannedAmountFactory(spending_goal=care, stream=oab, period="2024", amount=D("50.00"))
    CommitmentFactory(spending_goal=summer, date=datetime.date(2024, 7, 31), amount=D("300.00"))
    SpendingFactory(spending_goal=summer, date=datetime.date(2024, 7, 31), amount=D("100.10"))
    SpendingFactory(spending_goal=care, date=datetime.date(2024, 8, 1), amount=D("20.05"))
    SpendingFactory(
        spending_goal=care, stream=oab, date=datetime.date(2024, 12, 31), amount=D("9.99")
    )

    o = budget_overview(municipality=municipality, as_of=datetime.date(2024, 9, 1))
    npo_block, oab_block = o.blocks
    assert npo_block.stream == npo and oab_block.stream == oab
    t = npo_block.total
    assert (t.allocated, t.planned, t.committed, t.spent, t.free) == (
        D("1500.00"),
        D("900.00"),
        D("300.00"),
        D("120.15"),
        D("600.00"),
    )
    periods = dict(npo_block.periods)
    # 31 July belongs to the school year that ends then; 1 August starts the next one.
    assert periods["2023-2024"].spent == D("100.10")
    assert periods["2024-2025"].spent == D("20.05")
    assert periods["2023-2024"].free == D("300.00")
    assert npo_block.by_category[SpendingCategory.YOUTH_CARE].planned == D("200.00")
    assert dict(oab_block.periods)["2024"].spent == D("9.99")
    assert o.total.allocated == D("1580.00")
    assert o.total.spent == D("130.14")
    assert [code for code, _label, _f in o.by_category] == ["inhalen", "jeugdhulp"]


def test_warning_when_planned_exceeds_allocated(municipality):
    AllocationFactory(municipality=municipality, amount=D("1000.00"))
    PlannedAmountFactory(spending_goal__municipality=municipality, amount=D("1000.01"))
    o = budget_overview(municipality=municipality, as_of=datetime.date(2021, 1, 1))
    assert codes(o) == ["planned_over_allocated"]
    assert o.warnings[0].text == (
        "Voor NPO gemeenten is € 1.000,01 gepland, maar € 1.000,00 toegekend: "
        "€ 0,01 meer gepland dan er is."
    )


def test_no_warning_when_planned_equals_allocated(municipality):
    AllocationFactory(municipality=municipality, amount=D("1000.00"))
    PlannedAmountFactory(spending_goal__municipality=municipality, amount=D("1000.00"))
    assert codes(budget_overview(municipality=municipality, as_of=datetime.date(2021, 1, 1))) == []


def test_warning_when_one_period_is_overplanned(municipality):
    AllocationFactory(municipality=municipality, period="2023-2024", amount=D("100.00"))
    AllocationFactory(municipality=municipality, period="2024-2025", amount=D("100.00"))
    PlannedAmountFactory(
        spending_goal__municipality=municipality, period="2023-2024", amount=D("150.00")
    )
    o = budget_overview(municipality=municipality, as_of=datetime.date(2021, 1, 1))
    assert codes(o) == ["planned_over_allocated_period"]
    assert "In 2023-2024 is voor NPO gemeenten € 150,00 gepland" in o.warnings[0].text


@pytest.mark.parametrize(
    ("date", "outside"),
    [
        (datetime.date(2021, 6, 30), True),
        (datetime.date(2021, 7, 1), False),
        (datetime.date(2021, 8, 1), False),
        (datetime.date(2025, 7, 31), False),
        (datetime.date(2025, 8, 1), True),
    ],
)
def test_window_check_of_spending(municipality, date, outside):
    SpendingFactory(spending_goal__municipality=municipality, date=date, amount=D("12.34"))
    o = budget_overview(municipality=municipality, as_of=datetime.date(2021, 1, 1))
    assert ("outside_window_spending" in codes(o)) is outside
    if outside:
        text = next(w.text for w in o.warnings if w.code == "outside_window_spending")
        assert "1 besteding van NPO gemeenten, samen € 12,34" in text
        assert "1 juli 2021 – 31 juli 2025" in text


def test_window_check_of_commitments_and_streams_without_window(municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    CommitmentFactory(spending_goal=goal, date=datetime.date(2020, 1, 1))
    SpendingFactory(spending_goal=goal, stream=stream("overig"), date=datetime.date(2010, 1, 1))
    o = budget_overview(municipality=municipality, as_of=datetime.date(2021, 1, 1))
    assert codes(o) == ["outside_window_commitment"]


def test_projection_of_unspent_money_from_the_spending_rate(municipality):
    AllocationFactory(municipality=municipality, period="2021-2022", amount=D("1000000.00"))
    goal = SpendingGoalFactory(municipality=municipality)
    SpendingFactory(spending_goal=goal, date=datetime.date(2021, 9, 1), amount=D("60000.00"))
    SpendingFactory(spending_goal=goal, date=datetime.date(2022, 7, 1), amount=D("40000.00"))
    # Spending after the reference date does not count towards the rate.
    SpendingFactory(spending_goal=goal, date=datetime.date(2022, 8, 1), amount=D("5.00"))
    o = budget_overview(municipality=municipality, as_of=datetime.date(2022, 7, 31))
    p = o.blocks[0].projection
    # 396 days elapsed (1 Jul 2021 – 31 Jul 2022), 1096 to go: 100000 + 100000 × 1096 / 396.
    assert p.spent_to_date == D("100000.00")
    assert p.projected_spent == D("376767.68")
    assert p.projected_unspent == D("623232.32")
    assert p.per_month == D("7686.24")
    assert codes(o) == ["projected_unspent"]
    assert o.warnings[0].text == (
        "Bij het huidige tempo (gemiddeld € 7.686,24 per maand) is van NPO gemeenten op "
        "31 juli 2025 naar verwachting € 376.767,68 besteed. Dan blijft € 623.232,32 van de "
        "€ 1.000.000,00 over."
    )


def test_no_projection_warning_when_the_rate_spends_it_all(municipality):
    AllocationFactory(municipality=municipality, period="2021-2022", amount=D("400000.00"))
    SpendingFactory(
        spending_goal__municipality=municipality,
        date=datetime.date(2022, 7, 1),
        amount=D("110000.00"),  # 110000 + 110000 × 1096 / 396 = 414444.44 > 400000
    )
    o = budget_overview(municipality=municipality, as_of=datetime.date(2022, 7, 31))
    assert o.blocks[0].projection.projected_unspent < 0
    assert codes(o) == []


def test_after_the_window_the_unspent_money_is_reported(municipality):
    AllocationFactory(municipality=municipality, period="2021-2022", amount=D("1000.00"))
    SpendingFactory(
        spending_goal__municipality=municipality, date=datetime.date(2024, 1, 1), amount=D("250.00")
    )
    # Paid after the window closed: flagged, and not counted as spent within the window.
    SpendingFactory(
        spending_goal__municipality=municipality, date=datetime.date(2025, 9, 1), amount=D("100.00")
    )
    o = budget_overview(municipality=municipality, as_of=datetime.date(2026, 1, 1))
    assert codes(o) == ["projected_unspent", "outside_window_spending"]
    assert "verlopen" in o.warnings[0].text and "€ 750,00 is niet besteed" in o.warnings[0].text
    assert o.blocks[0].total.spent == D("350.00")


def test_cycle_filter_limits_planning_and_spending(municipality):
    AllocationFactory(municipality=municipality, amount=D("100.00"))
    first = SpendingGoalFactory(municipality=municipality)
    old = CycleFactory(municipality=municipality, phase="afgerond")
    second = SpendingGoalFactory(municipality=municipality, cycle=old)
    PlannedAmountFactory(spending_goal=first, amount=D("10.00"))
    PlannedAmountFactory(spending_goal=second, amount=D("20.00"))
    SpendingFactory(spending_goal=second, amount=D("5.00"))
    o = budget_overview(municipality=municipality, cycle=old, as_of=datetime.date(2021, 1, 1))
    assert (o.total.allocated, o.total.planned, o.total.spent) == (
        D("100.00"),
        D("20.00"),
        D("5.00"),
    )


def test_other_municipalities_money_is_not_counted(municipality, other_municipality):
    AllocationFactory(municipality=other_municipality, amount=D("999.00"))
    SpendingFactory(spending_goal__municipality=other_municipality)
    o = budget_overview(municipality=municipality)
    assert o.blocks == [] and o.total.allocated == 0


def test_chart_is_cumulative_per_month(municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    PlannedAmountFactory(spending_goal=goal, period="2023-2024", amount=D("100.00"))
    SpendingFactory(spending_goal=goal, date=datetime.date(2023, 9, 10), amount=D("10.00"))
    SpendingFactory(spending_goal=goal, date=datetime.date(2023, 11, 30), amount=D("5.00"))
    o = budget_overview(municipality=municipality)
    assert [p.month for p in o.chart] == [
        datetime.date(2023, 8, 1),
        datetime.date(2023, 9, 1),
        datetime.date(2023, 10, 1),
        datetime.date(2023, 11, 1),
    ]
    assert [p.spent for p in o.chart] == [D("0"), D("10.00"), D("10.00"), D("15.00")]
    assert all(p.planned == D("100.00") for p in o.chart)
