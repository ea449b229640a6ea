"""The SiSa data set covers every calendar year from the first allocation up to today, with zero
for years without spending; the export writes exactly those rows."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation

from budgets.exports import sisa_dataset as sisa_export
from budgets.exports import to_csv
from budgets.sisa import sisa_dataset
from tests.budgets.factories import (
    AllocationFactory,
    CommitmentFactory,
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


@pytest.fixture
def npo(municipality):
    AllocationFactory(municipality=municipality, period="2021-2022", amount=D("1000.00"))
    AllocationFactory(municipality=municipality, period="2022-2023", amount=D("500.00"))
    goal = SpendingGoalFactory(municipality=municipality)
    SpendingFactory(spending_goal=goal, date=datetime.date(2023, 10, 1), amount=D("100.00"))
    SpendingFactory(spending_goal=goal, date=datetime.date(2024, 3, 1), amount=D("250.00"))
    CommitmentFactory(spending_goal=goal, date=datetime.date(2024, 2, 1), amount=D("40.00"))
    return goal


def test_every_year_from_the_first_allocation_to_today(municipality, npo):
    rows = sisa_dataset(municipality=municipality, as_of=datetime.date(2026, 11, 30))
    assert [(r.year, r.spent, r.spent_cumulative, r.remaining, r.committed) for r in rows] == [
        (2021, D("0.00"), D("0.00"), D("1500.00"), D("0.00")),
        (2022, D("0.00"), D("0.00"), D("1500.00"), D("0.00")),
        (2023, D("100.00"), D("100.00"), D("1400.00"), D("0.00")),
        (2024, D("250.00"), D("350.00"), D("1150.00"), D("40.00")),
        (2025, D("0.00"), D("350.00"), D("1150.00"), D("0.00")),
        (2026, D("0.00"), D("350.00"), D("1150.00"), D("0.00")),
    ]
    assert {r.stream.code for r in rows} == {"npo-gemeenten"}
    assert [r.year for r in rows if r.is_final_year] == [2025]  # the window ends 31 July 2025


def test_spending_before_the_first_allocation_starts_the_years_earlier(municipality):
    AllocationFactory(municipality=municipality, stream=stream("oab"), period="2024")
    SpendingFactory(
        spending_goal__municipality=municipality,
        stream=stream("oab"),
        date=datetime.date(2022, 5, 1),
        amount=D("1.00"),
    )
    rows = sisa_dataset(municipality=municipality, as_of=datetime.date(2024, 6, 1))
    assert [r.year for r in rows] == [2022, 2023, 2024]


def test_no_rows_without_allocation_or_spending(municipality):
    assert sisa_dataset(municipality=municipality) == []


def test_the_export_writes_the_data_set(municipality, npo):
    dataset = sisa_export(municipality=municipality)
    years = [row[1] for row in dataset.rows]
    today = datetime.date.today().year
    assert years == list(range(2021, max(2024, today) + 1))
    text = to_csv(dataset).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][:2] == ["NPO gemeenten", "2021"]


def test_a_cost_counts_in_the_year_of_its_prestatiedatum(municipality, npo):
    """Booked in January 2025 for work of December 2024: SiSa year 2024, as the final accounting
    (closeout) counts it; the booking date only decides without a prestatiedatum."""
    SpendingFactory(
        spending_goal=npo,
        date=datetime.date(2025, 1, 10),
        performance_date=datetime.date(2024, 12, 20),
        amount=D("30.00"),
    )
    rows = {
        r.year: r for r in sisa_dataset(municipality=municipality, as_of=datetime.date(2025, 6, 1))
    }
    assert rows[2024].spent == D("280.00")  # 250.00 booked in 2024 + 30.00 belonging to 2024
    assert rows[2025].spent == D("0.00")
