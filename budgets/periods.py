"""Budget periods: a school year ("2023-2024", 1 Aug – 31 Jul) or a calendar year ("2024").

Each funding stream says which kind it uses (NPO runs in school years, OAB in calendar years);
allocations and planned amounts use that kind, and dated commitments and spending are put in the
period of that kind that contains their date.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
_CALENDAR_YEAR = re.compile(r"^(\d{4})$")


class PeriodKind(models.TextChoices):
    SCHOOL_YEAR = "schooljaar", _("Schooljaar (1 augustus – 31 juli)")
    CALENDAR_YEAR = "kalenderjaar", _("Kalenderjaar")


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str
    kind: str

    @property
    def first_year(self) -> int:
        return self.start.year


def school_year(first_year: int) -> Period:
    return Period(
        datetime.date(first_year, 8, 1),
        datetime.date(first_year + 1, 7, 31),
        f"{first_year}-{first_year + 1}",
        PeriodKind.SCHOOL_YEAR,
    )


def calendar_year(year: int) -> Period:
    return Period(
        datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year), PeriodKind.CALENDAR_YEAR
    )


def period_parse(label: str) -> Period:
    """``"2023-2024"`` or ``"2024"`` -> Period; ValidationError (Dutch) for anything else."""
    label = (label or "").strip()
    if match := _SCHOOL_YEAR.match(label):
        first, second = int(match[1]), int(match[2])
        if second != first + 1:
            raise ValidationError(
                _("Een schooljaar loopt over twee opeenvolgende jaren, bijvoorbeeld 2023-2024."),
                code="invalid_period",
            )
        period = school_year(first)
    elif match := _CALENDAR_YEAR.match(label):
        period = calendar_year(int(match[1]))
    else:
        raise ValidationError(
            _("Vul een schooljaar (2023-2024) of een kalenderjaar (2024) in."),
            code="invalid_period",
        )
    if not 2000 <= period.first_year <= 2100:
        raise ValidationError(
            _("Dit jaar valt buiten het bereik 2000–2100."), code="invalid_period"
        )
    return period


def period_of(date: datetime.date, kind: str) -> Period:
    """The period of the given kind that contains ``date``."""
    if kind == PeriodKind.SCHOOL_YEAR:
        return school_year(date.year if date.month >= 8 else date.year - 1)
    return calendar_year(date.year)


def validate_period_label(label: str) -> None:
    period_parse(label)
