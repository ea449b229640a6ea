"""``{% chart_rows chart %}`` and ``{% period_rows blocks %}``: rows of the budget overview's
tables, written in Python.

The table beside the chart has a row a month (forty and more for a whole NPO window) and the
period table a row per stream and period; the template engine spent more on their loops
(variable lookups, a filter per cell) than on the rest of the overview's body. The markup is the
one the template loops wrote (tests/budgets/test_budget_tables.py renders the former loops next
to these tags and compares them, in Dutch and English), every value escaped by ``format_html``,
the amounts formatted by ``core.money.format_money`` as the ``eur`` filter does.
"""

import functools
from html import escape

from django import template
from django.utils.safestring import mark_safe

from core.money import format_money

register = template.Library()

CHART_ROW = (
    '<tr class="utrecht-table__row"><th scope="row" class="utrecht-table__header-cell">{}</th>'
    '<td class="utrecht-table__cell utrecht-table__cell--numeric-data">{}</td>'
    '<td class="utrecht-table__cell utrecht-table__cell--numeric-data">{}</td>'
    '<td class="utrecht-table__cell utrecht-table__cell--numeric-data">{}</td></tr>'
)

PERIOD_ROW = (
    '\n        <tr class="utrecht-table__row"><td class="utrecht-table__cell">{stream}</td>'
    '<th scope="row" class="utrecht-table__header-cell">{period}</th>\n'
    '          <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{allocated}</td>'
    '<td class="utrecht-table__cell utrecht-table__cell--numeric-data">{planned}</td>\n'
    '          <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{committed}</td>'
    '<td class="utrecht-table__cell utrecht-table__cell--numeric-data">{spent}</td>\n'
    '          <td class="utrecht-table__cell utrecht-table__cell--numeric-data{negative}">'
    "{free}</td></tr>\n      "
)


@register.simple_tag
def chart_rows(chart) -> str:
    """The chart's figures as table rows (``budgets.chart.Chart.rows``, formatted there)."""
    return mark_safe(  # noqa: S308 — every value escaped
        "".join(
            CHART_ROW.format(
                escape(r.month), escape(r.planned), escape(r.committed), escape(r.spent)
            )
            for r in chart.rows
        )
    )


@register.simple_tag
def period_rows(blocks) -> str:
    """Per stream (``budgets.figures.StreamBlock``) and period: allocated, planned, committed,
    spent and free."""

    @functools.cache
    def money(amount) -> str:
        return escape(format_money(amount))

    rows = []
    for b in blocks:
        stream = escape(b.stream.name)
        for period, f in b.periods:
            free = f.free
            rows.append(
                PERIOD_ROW.format(
                    stream=stream,
                    period=escape(period),
                    allocated=money(f.allocated),
                    planned=money(f.planned),
                    committed=money(f.committed),
                    spent=money(f.spent),
                    negative=" negative" if free < 0 else "",
                    free=money(free),
                )
            )
    return mark_safe("".join(rows))  # noqa: S308 — every value escaped
