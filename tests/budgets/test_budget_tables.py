"""{% chart_rows %} and {% period_rows %}: the budget overview's table rows, written in Python,
are the markup the template loops wrote (kept here as the reference), in Dutch and English."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from budgets.chart import build_chart
from budgets.figures import ChartPoint, Figures, StreamBlock
from budgets.models import FundingStream
from tests.reference_markup import assert_same_markup

D = Decimal

# The rows as the templates wrote them before the tags.
CHART_LOOP = """{% load money %}{% for p in points %}<tr class="utrecht-table__row"><th scope="row" class="utrecht-table__header-cell">{{ p.month|date:"F Y" }}</th><td class="utrecht-table__cell utrecht-table__cell--numeric-data">{{ p.planned|eur }}</td><td class="utrecht-table__cell utrecht-table__cell--numeric-data">{{ p.committed|eur }}</td><td class="utrecht-table__cell utrecht-table__cell--numeric-data">{{ p.spent|eur }}</td></tr>{% endfor %}"""

PERIOD_LOOP = """{% load money %}{% for b in blocks %}{% for period, f in b.periods %}
        <tr class="utrecht-table__row"><td class="utrecht-table__cell">{{ b.stream.name }}</td><th scope="row" class="utrecht-table__header-cell">{{ period }}</th>
          <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{{ f.allocated|eur }}</td><td class="utrecht-table__cell utrecht-table__cell--numeric-data">{{ f.planned|eur }}</td>
          <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{{ f.committed|eur }}</td><td class="utrecht-table__cell utrecht-table__cell--numeric-data">{{ f.spent|eur }}</td>
          <td class="utrecht-table__cell utrecht-table__cell--numeric-data{% if f.free < 0 %} negative{% endif %}">{{ f.free|eur }}</td></tr>
      {% endfor %}{% endfor %}"""


POINTS = [
    ChartPoint(datetime.date(2023, 11, 1), D("0.00"), D("0.00"), D("0.00")),
    ChartPoint(datetime.date(2023, 12, 1), D("1500000.00"), D("-12.50"), D("0.00")),
    ChartPoint(datetime.date(2024, 1, 1), D("1500000.00"), D("250000.00"), D("99.99")),
    ChartPoint(datetime.date(2024, 2, 1), D("1500000.00"), D("250000.00"), D("1234567.89")),
]


def blocks() -> list[StreamBlock]:
    npo = FundingStream(pk=1, code="npo", name="NPO <gemeenten> & co", period_kind="school_year")
    oab = FundingStream(pk=2, code="oab", name="OAB", period_kind="calendar_year")
    first = StreamBlock(stream=npo)
    first.by_period["2023-2024"] = Figures(D("1000.00"), D("1600.00"), D("1700.00"), D("7.00"))
    first.by_period["2024-2025"] = Figures(D("500.00"), D("0.00"), D("0.00"), D("100.10"))
    second = StreamBlock(stream=oab)
    second.by_period["2024"] = Figures(D("80.00"), D("50.00"), D("0.00"), D("9.99"))
    return [first, second, StreamBlock(stream=oab)]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_chart_rows_are_the_templates(language):
    tag = "{% load budget_tables %}{% chart_rows chart %}"
    with translation.override(language):
        chart = build_chart(POINTS)
    expected = assert_same_markup(
        CHART_LOOP, tag, {"points": POINTS}, language, tag_context={"chart": chart}
    )
    assert expected.count("<tr") == len(POINTS)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_period_rows_are_the_templates(language):
    context = {"blocks": blocks()}
    tag = "{% load budget_tables %}{% period_rows blocks %}"
    expected = assert_same_markup(PERIOD_LOOP, tag, context, language)
    assert (
        expected.count("<tr") == 3 and " negative" in expected and "&lt;gemeenten&gt;" in expected
    )
