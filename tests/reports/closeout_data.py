"""A municipality with a realistic NPO close-out: a verlening, spending with prestatiedatums on
and around the window's boundaries, grootboek amounts and values reported in earlier accounts."""

import datetime
from decimal import Decimal

from closeout.models import FinalAccounting, IndicatorText, LedgerAmount, ReportedSisaValue
from core.npo import SpendingCategory
from tests.budgets.factories import (
    BeschikkingFactory,
    SpendingFactory,
    SpendingGoalFactory,
    stream,
)

D = datetime.date

# (prestatiedatum, booking date, amount, category); the window is 1 July 2021 – 31 July 2025.
SPENDING = [
    (D(2021, 6, 30), D(2021, 7, 5), "1000.00", SpendingCategory.CATCH_UP),  # before the window
    (D(2021, 7, 1), D(2021, 7, 1), "12500.00", SpendingCategory.CATCH_UP),
    (D(2022, 3, 15), D(2022, 3, 15), "40000.10", SpendingCategory.PRESCHOOL),
    (D(2023, 9, 30), D(2023, 10, 2), "60000.00", SpendingCategory.YOUTH_CARE),
    (D(2024, 5, 1), D(2024, 5, 1), "80000.00", SpendingCategory.CATCH_UP),
    (D(2025, 7, 31), D(2025, 8, 12), "45000.05", SpendingCategory.PRESCHOOL),
    (D(2025, 8, 1), D(2025, 8, 1), "2000.00", SpendingCategory.CATCH_UP),  # after the window
]
GRANTED = Decimal("250000.00")
ELIGIBLE = Decimal("237500.15")
INELIGIBLE = Decimal("3000.00")
LEDGER = {2021: "12500.00", 2022: "40000.10", 2023: "60000.00", 2024: "80000.00", 2025: "45000.05"}
REPORTED = {2021: "12500.00", 2022: "39000.00", 2023: "61000.00", 2024: "80000.00"}


def closeout_fill(municipality, *, user=None, hostile_indicator: bool = False) -> FinalAccounting:
    npo = stream()
    BeschikkingFactory(
        municipality=municipality, stream=npo, amount=GRANTED, reference="NPO-2021-0344"
    )
    goals = {
        SpendingCategory.CATCH_UP: SpendingGoalFactory(
            municipality=municipality, category=SpendingCategory.CATCH_UP, title="Zomerschool"
        ),
        SpendingCategory.PRESCHOOL: SpendingGoalFactory(
            municipality=municipality,
            category=SpendingCategory.PRESCHOOL,
            suboption="",
            title="Voorschoolse taal",
        ),
        SpendingCategory.YOUTH_CARE: SpendingGoalFactory(
            municipality=municipality,
            category=SpendingCategory.YOUTH_CARE,
            suboption="",
            title="Schoolmaatschappelijk werk",
        ),
    }
    for performance, booked, amount, category in SPENDING:
        SpendingFactory(
            municipality=municipality,
            spending_goal=goals[category],
            stream=npo,
            date=booked,
            performance_date=performance,
            amount=Decimal(amount),
        )
    accounting = FinalAccounting.objects.create(
        municipality=municipality, stream=npo, final_year=2025, prepared_by=user
    )
    for year, amount in LEDGER.items():
        LedgerAmount.objects.create(
            municipality=municipality, accounting=accounting, year=year, amount=Decimal(amount)
        )
    for year, amount in REPORTED.items():
        ReportedSisaValue.objects.create(
            municipality=municipality, accounting=accounting, year=year, amount=Decimal(amount)
        )
    IndicatorText.objects.get_or_create(
        stream=npo,
        year=2025,
        code="=1+1" if hostile_indicator else "H8/01",
        defaults={"text": "Besteding (jaar T) ten laste van rijksmiddelen"},
    )
    return accounting
