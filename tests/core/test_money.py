"""core.money: the one parser and the one formatter of Dutch amounts."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template

from core.money import DutchMoneyField, format_money, parse_money, to_money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234", "1234.00"),
        ("1.234", "1234.00"),  # a dot is a thousands separator in Dutch
        ("1.234.567,8", "1234567.80"),
        ("€ 12,5", "12.50"),
        ("  0,01 ", "0.01"),
        ("€\u00a01.000", "1000.00"),
        ("9.999.999.999,99", "9999999999.99"),
    ],
)
def test_parse_accepts_dutch_input(text, expected):
    amount = parse_money(text)
    assert amount == Decimal(expected)
    assert isinstance(amount, Decimal)
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12a,50", "alleen uit cijfers"),
        ("twaalf", "alleen uit cijfers"),
        ("1e5", "alleen uit cijfers"),
        ("1,234,56", "meer dan één decimaalteken"),
        ("1.234,5.6", "Na de komma mogen alleen cijfers"),
        ("12.50", "Gebruik een komma voor de centen"),  # English notation: refused, not 1250
        ("1..234", "Gebruik een komma voor de centen"),
        ("1,234", "hoogstens twee cijfers achter de komma"),
        ("12,500", "hoogstens twee cijfers achter de komma"),  # not 12,50
        ("1234.56", "Gebruik een komma voor de centen"),
        (".5", "Gebruik een komma voor de centen"),
        ("5,", "Gebruik een komma voor de centen"),
        ("EUR 12.500", "alleen uit cijfers"),
        ("+5", "alleen uit cijfers"),
        ("NaN", "alleen uit cijfers"),
        ("-5,00", "niet negatief"),
        ("", "Vul een bedrag in"),
        ("10.000.000.000,00", "te groot"),
    ],
)
def test_parse_rejects_bad_input_in_dutch(text, message):
    with pytest.raises(ValidationError) as info:
        parse_money(text)
    assert message in " ".join(info.value.messages)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (12500, "12500.00"),
        (Decimal("12500.5"), "12500.50"),
        (0, "0.00"),
    ],
)
def test_parse_takes_numbers_from_a_spreadsheet(number, expected):
    amount = parse_money(number)
    assert amount == Decimal(expected) and amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (-100, "niet negatief"),
        (Decimal("-0.01"), "niet negatief"),
        (Decimal("10000000000"), "te groot"),
        (Decimal("NaN"), "geen geldig bedrag"),
        (Decimal("Infinity"), "geen geldig bedrag"),
    ],
)
def test_parse_refuses_numbers_out_of_range(number, message):
    with pytest.raises(ValidationError) as info:
        parse_money(number)
    assert message in " ".join(info.value.messages)


@pytest.mark.parametrize("value", [1.5, True])
def test_parse_refuses_floats_and_booleans(value):
    with pytest.raises(TypeError):
        parse_money(value)


def test_negative_only_where_allowed():
    assert parse_money("-1.234,56", allow_negative=True) == Decimal("-1234.56")
    with pytest.raises(ValidationError):
        parse_money("-1", allow_negative=False)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.56"), "€ 1.234,56"),
        (Decimal("0"), "€ 0,00"),
        (Decimal("-1234.5"), "€ -1.234,50"),
        (Decimal("1234567.895"), "€ 1.234.567,90"),  # half up
        (12, "€ 12,00"),
        ("7.1", "€ 7,10"),
    ],
)
def test_format_money_dutch(value, shown):
    assert format_money(value) == shown


@pytest.mark.parametrize(
    ("kwargs", "shown"),
    [
        ({}, "€ -1.234.567,50"),
        ({"symbol": False}, "-1.234.567,50"),
        ({"symbol": False, "grouping": False}, "-1234567,50"),
    ],
)
def test_format_money_without_symbol_or_grouping(kwargs, shown):
    assert format_money(Decimal("-1234567.5"), **kwargs) == shown


@pytest.mark.parametrize("empty", [None, ""])
def test_format_money_of_nothing_is_empty(empty):
    assert format_money(empty) == ""


def test_formatted_amounts_parse_back():
    for text in ("0,01", "12.500,50", "9.999.999.999,99"):
        amount = parse_money(text)
        assert parse_money(format_money(amount)) == amount
        assert format_money(amount, symbol=False) == text


def test_template_filter():
    html = Template("{% load money %}{{ amount|eur }}").render(
        Context({"amount": Decimal("1234.56")})
    )
    assert html == "€ 1.234,56"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_money(0.1)


class MoneyForm(forms.Form):
    amount = DutchMoneyField(label="Bedrag")
    correction = DutchMoneyField(label="Correctie", allow_negative=True, required=False)


def test_field_cleans_to_decimal_and_reports_errors():
    form = MoneyForm({"amount": "1.234,56", "correction": "-0,50"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": Decimal("1234.56"), "correction": Decimal("-0.50")}

    form = MoneyForm({"amount": "1,2,3"})
    assert not form.is_valid()
    assert "meer dan één decimaalteken" in form.errors["amount"][0]

    form = MoneyForm({"amount": ""})
    assert form.errors["amount"] == ["Vul een bedrag in."]


def test_widget_shows_decimal_the_dutch_way():
    form = MoneyForm(initial={"amount": Decimal("1234.50")})
    assert 'value="1.234,50"' in str(form["amount"])
    assert 'inputmode="decimal"' in str(form["amount"])


def test_unchanged_initial_is_not_a_change():
    form = MoneyForm({"amount": "1.234,50"}, initial={"amount": Decimal("1234.5")})
    assert not form["amount"].field.has_changed(Decimal("1234.5"), "1.234,50")
    assert form.is_valid()
