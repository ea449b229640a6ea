"""A hand-made SVG line chart of cumulative planned, committed and spent money per month.

Hand-made rather than pygal: pygal's SVG carries inline styles and scripts that the Content
Security Policy forbids, and a few polylines are easy to make accessible (title, desc, and a
table with the same figures next to the chart). Pixel positions are computed with Decimal, like
the amounts they come from.
"""

import datetime
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from budgets.selectors import ChartPoint
from core.money import format_money

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 110, 20, 20, 40
PX = Decimal("0.1")


@dataclass
class Series:
    key: str
    label: str
    points: str  # "x,y x,y ..." for <polyline points>
    last: Decimal


@dataclass
class Tick:
    position: str  # a string, so that templates never localise it to "150,0"
    label: str


@dataclass
class TableRow:
    """A row of the table beside the chart, written out once: month, planned, committed, spent."""

    month: str
    planned: str
    committed: str
    spent: str


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    description: str
    # The same figures as a table (one row a month): formatted here rather than by a filter per
    # cell in the template, which cost more than the rest of the overview's body (issue 23).
    rows: list[TableRow]

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def label_x(self) -> int:
        return self.left - 8

    @property
    def label_y(self) -> int:
        return self.height - 15


def _nice_max(value: Decimal) -> Decimal:
    """A round number >= value for the top of the y axis (1, 2, 2.5 or 5 × 10^n)."""
    if value <= 0:
        return Decimal(1000)
    exponent = len(str(int(value))) - 1
    base = Decimal(10) ** exponent
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= base * step:
            return base * step
    return base * 10  # pragma: no cover


@functools.lru_cache(maxsize=1024)
def _month_label(month: datetime.date, language: str | None) -> str:
    """A month's label ("januari 2024"), written once per month and language in a process rather
    than once per row and view."""
    return formats.date_format(month, "F Y")


def _px(value: Decimal) -> Decimal:
    return value.quantize(PX, rounding=ROUND_HALF_UP)


def build_chart(points: list[ChartPoint]) -> Chart | None:
    if not points:
        return None
    language = get_language()
    top_value = _nice_max(max(max(p.planned, p.committed, p.spent) for p in points))
    plot_w = Decimal(WIDTH - LEFT - RIGHT)
    plot_h = Decimal(HEIGHT - TOP - BOTTOM)
    steps = max(len(points) - 1, 1)

    def x(i: int) -> Decimal:
        return _px(LEFT + plot_w * i / steps)

    def y(value: Decimal) -> Decimal:
        return _px(TOP + plot_h - plot_h * max(value, Decimal(0)) / top_value)

    xs = [x(i) for i in range(len(points))]
    series = []
    for key, label in (
        ("planned", _("Gepland")),
        ("committed", _("Verplicht")),
        ("spent", _("Besteed")),
    ):
        coords = " ".join(f"{xs[i]},{y(getattr(p, key))}" for i, p in enumerate(points))
        series.append(Series(key, label, coords, getattr(points[-1], key)))
    y_ticks = [
        Tick(str(y(top_value * i / 4)), format_money(top_value * i / 4).removesuffix(",00"))
        for i in range(5)
    ]
    x_ticks = [
        Tick(str(xs[i]), str(p.month.year))
        for i, p in enumerate(points)
        if p.month.month == 1 or i == 0
    ]
    description = _(
        "Cumulatief per maand van %(first)s tot en met %(last)s. Stand aan het eind: gepland "
        "%(planned)s, verplicht %(committed)s, besteed %(spent)s."
    ) % {
        "first": _month_label(points[0].month, language),
        "last": _month_label(points[-1].month, language),
        "planned": format_money(points[-1].planned),
        "committed": format_money(points[-1].committed),
        "spent": format_money(points[-1].spent),
    }
    # Cumulative figures repeat from month to month: each amount is formatted once.
    money = functools.cache(format_money)
    rows = [
        TableRow(
            _month_label(p.month, language),
            money(p.planned),
            money(p.committed),
            money(p.spent),
        )
        for p in points
    ]
    return Chart(
        WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, series, y_ticks, x_ticks, description, rows
    )
