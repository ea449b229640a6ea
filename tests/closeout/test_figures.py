"""The figures of the final accounting: prestatiedatum, window, eigen middelen, SiSa lines."""

import datetime
from decimal import Decimal

import pytest

from closeout.models import ReportedSisaValue
from closeout.selectors import accounting_figures
from tests.budgets.factories import BeschikkingFactory, SpendingFactory, SpendingGoalFactory, stream
from tests.closeout.factories import FinalAccountingFactory
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def _spend(goal, on, amount, *, booked=None):
    return SpendingFactory(
        spending_goal=goal,
        date=booked or on,
        performance_date=on if booked else None,
        amount=Decimal(amount),
    )


def test_boundary_dates_split_eligible_and_ineligible():
    municipality = MunicipalityFactory()
    goal = SpendingGoalFactory(municipality=municipality)
    _spend(goal, datetime.date(2021, 6, 30), "1.00")  # the day before the window
    _spend(goal, datetime.date(2021, 7, 1), "10.00")  # first day
    _spend(goal, datetime.date(2025, 7, 31), "100.00")  # last day
    _spend(goal, datetime.date(2025, 8, 1), "1000.00")  # the day after

    figures = accounting_figures(municipality=municipality, stream=stream())

    assert figures.eligible == Decimal("110.00")
    assert figures.outside_window == Decimal("1001.00")
    by_year = {row.year: row for row in figures.years}
    assert (by_year[2021].eligible, by_year[2021].outside_window) == (Decimal("10"), Decimal("1"))
    assert (by_year[2025].eligible, by_year[2025].outside_window) == (
        Decimal("100"),
        Decimal("1000"),
    )
    school = {row.label: row for row in figures.school_years}
    assert list(school) == [
        "2020-2021",
        "2021-2022",
        "2022-2023",
        "2023-2024",
        "2024-2025",
        "2025-2026",
    ]
    # 30 June and 1 July 2021 belong to school year 2020-2021; 1 August 2025 to 2025-2026.
    assert school["2020-2021"].eligible == Decimal("10.00")
    assert school["2020-2021"].outside_window == Decimal("1.00")
    assert school["2024-2025"].eligible == Decimal("100.00")
    assert school["2025-2026"].outside_window == Decimal("1000.00")


def test_prestatiedatum_counts_not_the_booking_date():
    municipality = MunicipalityFactory()
    goal = SpendingGoalFactory(municipality=municipality)
    # Booked in August 2025 (outside), performed in June 2025 (inside): eligible, in 2025.
    _spend(goal, datetime.date(2025, 6, 20), "500.00", booked=datetime.date(2025, 8, 15))
    # Booked in July 2025 (inside), performed after the window: not eligible.
    _spend(goal, datetime.date(2025, 9, 1), "70.00", booked=datetime.date(2025, 7, 1))

    figures = accounting_figures(municipality=municipality, stream=stream())

    assert figures.eligible == Decimal("500.00")
    assert figures.outside_window == Decimal("70.00")


def test_eligible_above_the_beschikking_is_eigen_middelen_and_unspent_is_the_rest():
    municipality = MunicipalityFactory()
    BeschikkingFactory(municipality=municipality, amount=Decimal("1000.00"))
    goal = SpendingGoalFactory(municipality=municipality)
    _spend(goal, datetime.date(2022, 3, 1), "600.00")
    _spend(goal, datetime.date(2023, 3, 1), "700.00")

    figures = accounting_figures(municipality=municipality, stream=stream())

    by_year = {row.year: row for row in figures.years}
    assert by_year[2022].charged == Decimal("600.00")
    assert (by_year[2023].charged, by_year[2023].own_funds) == (
        Decimal("400.00"),
        Decimal("300.00"),
    )
    assert figures.own_funds == Decimal("300.00")
    assert figures.unspent == Decimal("0.00")

    other = MunicipalityFactory()
    BeschikkingFactory(municipality=other, amount=Decimal("1000.00"))
    _spend(SpendingGoalFactory(municipality=other), datetime.date(2022, 3, 1), "250.00")
    assert accounting_figures(municipality=other, stream=stream()).unspent == Decimal("750.00")


def test_a_wijziging_states_the_new_total():
    municipality = MunicipalityFactory()
    BeschikkingFactory(municipality=municipality, amount=Decimal("1000.00"))
    BeschikkingFactory(
        municipality=municipality,
        kind="wijziging",
        amount=Decimal("1500.00"),
        date=datetime.date(2022, 1, 10),
    )
    assert accounting_figures(municipality=municipality, stream=stream()).granted == Decimal(
        "1500.00"
    )


def test_sisa_lines_run_to_the_final_year_with_the_correction_of_earlier_years():
    municipality = MunicipalityFactory()
    BeschikkingFactory(municipality=municipality, amount=Decimal("10000.00"))
    goal = SpendingGoalFactory(municipality=municipality)
    _spend(goal, datetime.date(2022, 5, 1), "300.00")
    accounting = FinalAccountingFactory(municipality=municipality, final_year=2026)
    ReportedSisaValue.objects.create(
        municipality=municipality, accounting=accounting, year=2022, amount=Decimal("250.00")
    )

    figures = accounting_figures(municipality=municipality, stream=stream(), accounting=accounting)

    assert [line.year for line in figures.sisa_lines] == [2021, 2022, 2023, 2024, 2025, 2026]
    line_2022 = figures.sisa_lines[1]
    assert (line_2022.reported, line_2022.computed, line_2022.correction) == (
        Decimal("250.00"),
        Decimal("300.00"),
        Decimal("50.00"),
    )
    assert figures.sisa_lines[0].correction is None  # nothing reported for 2021
    assert [line.is_final_year for line in figures.sisa_lines][-2:] == [False, True]
    assert figures.sisa_lines[-1].cumulative == Decimal("300.00")


def test_a_category_the_stream_does_not_allow_is_not_eligible(monkeypatch):
    from closeout import selectors

    monkeypatch.setitem(selectors.ALLOWED_CATEGORIES, "npo-gemeenten", frozenset({"voorschool"}))
    municipality = MunicipalityFactory()
    allowed = SpendingGoalFactory(municipality=municipality, category="voorschool", suboption="")
    other = SpendingGoalFactory(municipality=municipality)  # inhalen
    _spend(allowed, datetime.date(2022, 1, 1), "40.00")
    _spend(other, datetime.date(2022, 1, 1), "2.00")

    figures = accounting_figures(municipality=municipality, stream=stream())

    assert (figures.eligible, figures.category_not_allowed) == (Decimal("40.00"), Decimal("2.00"))
    assert [(c.category, c.total) for c in figures.categories] == [("voorschool", Decimal("40.00"))]


def test_indicator_texts_of_the_year_are_on_its_sisa_line():
    from closeout.models import IndicatorText

    IndicatorText.objects.create(stream=stream(), year=2025, code="H8/01", text="Besteding")
    IndicatorText.objects.create(stream=stream(), year=2024, code="H8/01", text="Besteding")
    figures = accounting_figures(municipality=MunicipalityFactory(), stream=stream())
    by_year = {line.year: [i.code for i in line.indicators] for line in figures.sisa_lines}
    assert by_year[2025] == ["H8/01"] and by_year[2024] == ["H8/01"] and by_year[2023] == []
