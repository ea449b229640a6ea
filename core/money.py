"""Money: Decimal with two decimals end to end, Dutch display and Dutch input.

Amounts are ``Decimal`` everywhere (database ``DecimalField(12, 2)``, forms, sums, exports); no
float is ever involved. Display is Dutch, always with cents: ``€ 1.234,56`` (pages, PDFs, chart
labels), ``1.234,56`` in a form field and ``1234,56`` in a CSV file. Input accepts what Dutch
users type: ``1.234,56``, ``1234,56``, ``1234`` and ``€ 1.234``; a dot is a thousands separator,
the comma the decimal separator. The parser is strict rather than clever: ``1,234.56``, ``12,345``
(three decimals), ``1.234.56``, ``1e-7``, ``NaN``, ``Infinity``, digits other than 0–9, more than
two decimals and more than ten digits before the comma are refused with a Dutch message, never
guessed at or rounded. A spreadsheet's number cell is taken as it is when it has at most two
decimals. The budget forms, the school analysis form and the bulk intake
all read amounts with ``parse_money``.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
MAX_DIGITS = 12  # as in the database: DecimalField(max_digits=12, decimal_places=2)
ZERO = Decimal("0.00")

# Digits with optional groups of exactly three after a thousands dot, then an optional comma part.
# ASCII digits only: ``\d`` would also take Arabic-Indic or full-width digits.
_GROUPED = re.compile(r"^(?P<int>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,(?P<frac>[0-9]+))?$")


def to_money(value) -> Decimal:
    """Quantize to cents (half up, the Dutch bookkeeping rule). Refuses floats on purpose."""
    if isinstance(value, float):
        raise TypeError("Money must never be a float; pass a Decimal, int or string.")
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value, *, symbol: bool = True, grouping: bool = True) -> str:
    """``Decimal("-1234.5")`` -> ``"€ -1.234,50"``. Empty string for None.

    ``symbol=False`` leaves out the euro sign (form fields); ``grouping=False`` also leaves out
    the thousands dots (``-1234,50``: CSV files that spreadsheets read as numbers).
    """
    if value is None or value == "":
        return ""
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    # Format with Python's grouping (1,234.56) and swap the separators to Dutch (1.234,56).
    text = f"{abs(amount):{',' if grouping else ''}.2f}".translate(str.maketrans(",.", ".,"))
    return f"€ {sign}{text}" if symbol else f"{sign}{text}"


def _parse_text(text: str) -> tuple[Decimal, bool]:
    """The amount typed in ``text`` and whether it had a minus sign; Dutch errors otherwise."""
    raw = (text or "").strip()
    cleaned = raw.replace("€", "").replace("\u00a0", "").replace(" ", "")
    negative = cleaned.startswith("-")
    if negative:
        cleaned = cleaned[1:]
    if not cleaned:
        raise ValidationError(_("Vul een bedrag in, bijvoorbeeld 1.234,56."), code="required")
    if re.search(r"[^0-9.,]", cleaned):
        raise ValidationError(
            _("Een bedrag bestaat alleen uit cijfers, punten en een komma, bijvoorbeeld 1.234,56."),
            code="invalid_characters",
        )
    if cleaned.count(",") > 1:
        raise ValidationError(
            _(
                "Het bedrag heeft meer dan één decimaalteken. Gebruik één komma, bijvoorbeeld 1.234,56."
            ),
            code="two_separators",
        )
    if "," in cleaned and "." in cleaned.split(",", 1)[1]:
        raise ValidationError(
            _("Na de komma mogen alleen cijfers staan, bijvoorbeeld 1.234,56."),
            code="two_separators",
        )
    match = _GROUPED.match(cleaned)
    if not match:
        raise ValidationError(
            _(
                "Dit is geen geldig bedrag. Gebruik een komma voor de centen en eventueel punten "
                "per duizendtal, bijvoorbeeld 1.234,56."
            ),
            code="invalid",
        )
    frac = match.group("frac")
    if frac is not None and len(frac) > 2:
        raise ValidationError(
            _("Gebruik hoogstens twee cijfers achter de komma."), code="too_many_decimals"
        )
    try:
        amount = Decimal(f"{match.group('int').replace('.', '')}.{frac or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValidationError(_("Dit is geen geldig bedrag."), code="invalid") from exc
    return amount, negative


def parse_money(value, *, allow_negative: bool = False) -> Decimal:
    """Read a Dutch amount; raise ``ValidationError`` with a Dutch message when it is not one.

    ``value`` is what a user typed (a string), or a number a spreadsheet cell already holds (an
    ``int`` or ``Decimal``, rounded to cents; a float must be converted by the caller, through
    ``str``, so that no binary fraction slips in). Either way the same limits apply: not
    negative unless ``allow_negative``, and at most twelve digits, as in the database.
    """
    if isinstance(value, bool | float):
        raise TypeError("parse_money takes text, an int or a Decimal.")
    if isinstance(value, int | Decimal):
        if not Decimal(value).is_finite():
            raise ValidationError(_("Dit is geen geldig bedrag."), code="invalid")
        if Decimal(value).adjusted() > MAX_DIGITS - 3:
            # Ten digits before the comma at most; also keeps Decimal("1E+999999") from quantizing.
            raise ValidationError(
                _("Het bedrag is te groot (hoogstens € 9.999.999.999,99)."), code="too_large"
            )
        if Decimal(value) != Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):
            # A spreadsheet number with more than cents (1E-7, 0.125) is refused, not rounded:
            # rounding would silently store an amount nobody typed.
            raise ValidationError(
                _("Gebruik hoogstens twee cijfers achter de komma."), code="too_many_decimals"
            )
        amount, negative = abs(to_money(value)), value < 0
    else:
        amount, negative = _parse_text(str(value))
    if negative:
        if not allow_negative:
            raise ValidationError(_("Het bedrag mag niet negatief zijn."), code="negative")
        amount = -amount
    amount = to_money(amount)
    if len(amount.as_tuple().digits) > MAX_DIGITS:
        raise ValidationError(
            _("Het bedrag is te groot (hoogstens € 9.999.999.999,99)."), code="too_large"
        )
    return amount


class DutchMoneyInput(forms.TextInput):
    """A text input (not type=number: that would refuse the Dutch comma in some browsers)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            return format_money(value, symbol=False)
        return super().format_value(value)


class DutchMoneyField(forms.Field):
    """A form field for euro amounts typed the Dutch way; cleans to a Decimal with two decimals."""

    widget = DutchMoneyInput
    default_error_messages = {"required": _("Vul een bedrag in.")}

    def __init__(self, *, allow_negative: bool = False, **kwargs):
        self.allow_negative = allow_negative
        kwargs.setdefault("help_text", _("In euro, bijvoorbeeld 1.234,56."))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, Decimal):
            return to_money(value)
        if value in self.empty_values:
            return None
        return parse_money(str(value), allow_negative=self.allow_negative)

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True
