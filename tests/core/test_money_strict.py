"""One strict money parser everywhere: the analysis form, the bulk intake and the budget forms read
the same inputs the same way, and refuse the same inputs with a Dutch message naming the field or
the cell. Nothing is guessed at or rounded."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from analyses.forms import AnalysisForm
from analyses.intake import _parse_budget
from budgets.forms import AllocationForm
from core.money import parse_money

# (typed text, the Dutch message it gets): the reported misreadings and their relatives.
REFUSED_TEXT = [
    ("1,234.56", "Na de komma mogen alleen cijfers staan"),  # was stored as € 1,23
    ("12,345", "hoogstens twee cijfers achter de komma"),  # was stored as € 12,34
    ("1e-7", "alleen uit cijfers, punten en een komma"),  # was stored as € 0,00
    ("1.234.56", "Dit is geen geldig bedrag"),
    ("NaN", "alleen uit cijfers, punten en een komma"),  # was "mag niet negatief zijn"
    ("Infinity", "alleen uit cijfers, punten en een komma"),
    ("-Infinity", "alleen uit cijfers, punten en een komma"),
    ("1,234", "hoogstens twee cijfers achter de komma"),
    ("12345678901234", "te groot"),  # more than 13 digits
    ("99999999999,99", "te groot"),
    ("١٢٣", "alleen uit cijfers"),  # Arabic-Indic digits: Decimal would read 123
    ("１２３", "alleen uit cijfers"),  # full-width digits
    ("1.23", "Dit is geen geldig bedrag"),
    ("5,", "Dit is geen geldig bedrag"),
]
ACCEPTED_TEXT = [
    ("1.234,56", "1234.56"),
    ("1234,56", "1234.56"),
    ("€ 1.234", "1234.00"),
    ("9.999.999.999,99", "9999999999.99"),
    ("0,1", "0.10"),
]


@pytest.fixture(autouse=True)
def _dutch():
    """The messages are asserted in Dutch, whatever language an earlier test left active."""
    with translation.override("nl"):
        yield


@pytest.mark.parametrize(("text", "message"), REFUSED_TEXT)
def test_parser_refuses(text, message):
    with pytest.raises(ValidationError) as info:
        parse_money(text)
    assert message in " ".join(info.value.messages)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (Decimal("1E-7"), "hoogstens twee cijfers achter de komma"),  # a spreadsheet's 1e-7
        (Decimal("0.125"), "hoogstens twee cijfers achter de komma"),  # was rounded to 0,13
        (Decimal("1E+999999"), "te groot"),  # must not try to quantize a million digits
        (Decimal("NaN"), "geen geldig bedrag"),
        (Decimal("-Infinity"), "geen geldig bedrag"),
        (10**13, "te groot"),
    ],
)
def test_parser_refuses_spreadsheet_numbers_with_more_than_cents(number, message):
    with pytest.raises(ValidationError) as info:
        parse_money(number)
    assert message in " ".join(info.value.messages)


@pytest.mark.parametrize(
    ("number", "expected"), [(Decimal("1.50000"), "1.50"), (12500, "12500.00")]
)
def test_parser_takes_spreadsheet_numbers_with_at_most_cents(number, expected):
    assert parse_money(number) == Decimal(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "message"), REFUSED_TEXT)
def test_analysis_form_and_budget_form_refuse_alike(text, message):
    analysis = AnalysisForm(data={"own_budget": text})
    assert not analysis.is_valid()
    assert message in " ".join(analysis.errors["own_budget"])
    allocation = AllocationForm(data={"amount": text, "period": "2023-2024"})
    assert not allocation.is_valid()
    assert message in " ".join(allocation.errors["amount"])


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "expected"), ACCEPTED_TEXT)
def test_analysis_form_and_budget_form_accept_alike(text, expected):
    analysis = AnalysisForm(data={"own_budget": text})
    analysis.is_valid()
    assert "own_budget" not in analysis.errors
    assert analysis.cleaned_data["own_budget"] == Decimal(expected)
    allocation = AllocationForm(data={"amount": text})
    allocation.is_valid()
    assert "amount" not in allocation.errors
    assert allocation.cleaned_data["amount"] == Decimal(expected)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        *REFUSED_TEXT,
        (1e-7, "gebruik hoogstens twee cijfers achter de komma"),  # a number cell
        (0.125, "gebruik hoogstens twee cijfers achter de komma"),
        (float("nan"), "dit is geen geldig bedrag"),
        (float("inf"), "dit is geen geldig bedrag"),
        (1e300, "het bedrag is te groot"),
        (True, "vul een bedrag in euro's in"),
    ],
)
def test_intake_cells_are_refused_alike(cell, message):
    with pytest.raises(ValueError) as info:
        _parse_budget(cell)
    assert message.lower() in str(info.value).lower()


@pytest.mark.parametrize(
    ("cell", "expected"), [*ACCEPTED_TEXT, (1234.56, "1234.56"), (45000, "45000.00")]
)
def test_intake_cells_are_read_exactly(cell, expected):
    assert _parse_budget(cell) == Decimal(expected)
