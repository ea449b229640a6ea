"""core.text: neutralising formula-looking text for every CSV and XLSX, and short quotes."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation

from core.text import excerpt, neutralise


@pytest.fixture(autouse=True)
def _dutch():
    """The messages are asserted in Dutch, whatever language an earlier test left active."""
    with translation.override("nl"):
        yield


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" =1+1", "' =1+1"),  # a leading space did not stop Excel
        ("   @SUM(A1)", "'   @SUM(A1)"),
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width ＝
        ("\uff0b31 6", "'\uff0b31 6"),
        ("\uff0dx", "'\uff0dx"),
        ("\uff20x", "'\uff20x"),
        (" \tx", "' \tx"),
        ("\u00a0=1", "'\u00a0=1"),  # a no-break space is a space too
        ("=1+1", "'=1+1"),
        ("\rx", "'\rx"),
        ("Zomerschool = leuk", "Zomerschool = leuk"),
        ("  gewoon", "  gewoon"),
        ("", ""),
        (Decimal("-5.00"), Decimal("-5.00")),
        (datetime.date(2024, 1, 1), datetime.date(2024, 1, 1)),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_excerpt_is_short_and_on_one_line():
    assert excerpt("a\nb") == "a b"
    assert len(excerpt("x" * 1_000_000)) == 100


@pytest.mark.django_db
def test_csv_export_neutralises_leading_space_and_full_width_formulas(municipality):
    from budgets.exports import spending_dataset, to_csv
    from tests.budgets.factories import SpendingFactory

    for text in (" =1+1", "\uff1d1+1", "\t=cmd"):
        SpendingFactory(spending_goal__municipality=municipality, description=text)
    rows = list(
        csv.reader(
            io.StringIO(to_csv(spending_dataset(municipality=municipality)).decode("utf-8-sig")),
            delimiter=";",
        )
    )
    column = rows[0].index("Omschrijving")
    assert sorted(r[column] for r in rows[1:]) == sorted(["' =1+1", "'\uff1d1+1", "'\t=cmd"])
