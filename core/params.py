"""Query parameters: read them bounded, or answer 400 (Dutch page), never 500.

A date outside 1900–2100 overflows date arithmetic (``9999-12-31`` + one day); an id longer than
the database's integer overflows the query, and a few thousand digits already fail ``int()``.
The helpers here raise ``django.core.exceptions.BadRequest`` for such values, which Django turns
into the 400 page (``templates/400.html``). Forms use ``BoundedDateField``, which reports the
same bounds as a form error.
"""

import datetime

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.utils.translation import gettext_lazy as _

MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2100, 12, 31)
MAX_ID = 2**31 - 1  # PostgreSQL's integer, the smallest primary key in the platform
_MAX_ID_DIGITS = len(str(MAX_ID))


def _date_in_range(value: datetime.date) -> None:
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValidationError(_("Kies een datum tussen 1900 en 2100."), code="date_out_of_range")


def date_param(raw: str | None) -> datetime.date | None:
    """``YYYY-MM-DD`` within 1900–2100; None when empty; ``BadRequest`` otherwise."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.date.fromisoformat(raw[:10]) if len(raw) == 10 else None
    except ValueError:
        value = None
    if value is None or not MIN_DATE <= value <= MAX_DATE:
        raise BadRequest("date parameter out of range or malformed")
    return value


def id_param(raw: str | None) -> int | None:
    """A positive database id; None when empty; ``BadRequest`` for anything else."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > _MAX_ID_DIGITS:
        raise BadRequest("id parameter malformed")
    value = int(raw)
    if not 1 <= value <= MAX_ID:
        raise BadRequest("id parameter out of range")
    return value


def id_list_param(raw: str | None, *, limit: int) -> list[int]:
    """Comma-separated ids (``?jobs=1,2,3``), each as ``id_param``, at most ``limit`` of them."""
    parts = [p for p in (raw or "").split(",") if p.strip()]
    if len(parts) > limit:
        raise BadRequest("too many ids")
    return [id_param(p) for p in parts]


class BoundedDateField(forms.DateField):
    """A date field that refuses dates outside 1900–2100 with a Dutch message."""

    default_validators = [_date_in_range]
