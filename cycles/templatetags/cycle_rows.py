"""The cycle pages' template tags.

``{% starting_point_rows sp.goals %}``: the rows of the Data page's Vertrekpunt table (the
previous cycle's goals with their baseline, target, latest measurement and verdict), in Python.
The previous cycle's goals are not paged, and the template engine spent more on their rows
(three ``floatformat``s, the verdict's badge, lookups) than on the rest of the page. The markup is
the one the template's loop wrote (tests/cycles/test_cycle_rows.py compares them in Dutch and
English), every value escaped by ``format_html``, numbers by Django's ``floatformat``.
"""

from django import template
from django.template.defaultfilters import floatformat, truncatewords
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

ROW = (
    '\n      <tr class="utrecht-table__row">\n'
    '        <th scope="row" class="utrecht-table__header-cell">{title}{indicator}</th>\n'
    '        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{baseline}</td>\n'
    '        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{target}</td>\n'
    '        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{latest}</td>\n'
    '        <td class="utrecht-table__cell">{verdict}</td>\n'
    "      </tr>\n    "
)
BADGE = {"achieved": " utrecht-status-badge--success", "partly": " utrecht-status-badge--warning"}


def _value(value, unit: str, missing: str):
    """``{{ value|floatformat:"-2" }} {{ unit }}``, or ``missing`` without a value."""
    if value is None:
        return missing
    return format_html("{} {}", floatformat(value, "-2"), unit)


def _verdict(outcome):
    if not outcome:
        return _("geen oordeel vastgelegd")
    badge = format_html(
        '<span class="utrecht-status-badge{}">{}</span>',
        BADGE.get(outcome.result, " utrecht-status-badge--danger"),
        outcome.get_result_display(),
    )
    if not outcome.explanation:
        return badge
    return format_html(
        '{}<br><span class="hint">{}</span>', badge, truncatewords(outcome.explanation, 30)
    )


@register.simple_tag
def starting_point_rows(items) -> str:
    """``items``: ``starting_point(cycle)["goals"]`` (each a goal and its outcome or None)."""
    rows = []
    for item in items:
        goal = item["goal"]
        rows.append(
            format_html(
                ROW,
                title=goal.title,
                indicator=format_html('<br><span class="hint">{}</span>', goal.indicator)
                if goal.indicator
                else "",
                baseline=_value(goal.baseline, goal.unit, "—"),
                target=_value(goal.target_value, goal.unit, "—"),
                latest=_value(goal.latest_measurement, goal.unit, _("geen meting")),
                verdict=_verdict(item["outcome"]),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 — every row is format_html's
