"""{% starting_point_rows %}: the Data page's Vertrekpunt rows, written in Python, are the markup
the template loop wrote (kept here as the reference) for every kind of row, in Dutch and English."""

from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from cycles.models import Goal, GoalOutcome

# The rows as data.html wrote them before the tag.
TEMPLATE_ROWS = """{% load i18n %}    {% for item in sp.goals %}{% with goal=item.goal %}
      <tr class="utrecht-table__row">
        <th scope="row" class="utrecht-table__header-cell">{{ goal.title }}{% if goal.indicator %}<br><span class="hint">{{ goal.indicator }}</span>{% endif %}</th>
        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{% if goal.baseline is not None %}{{ goal.baseline|floatformat:"-2" }} {{ goal.unit }}{% else %}—{% endif %}</td>
        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{% if goal.target_value is not None %}{{ goal.target_value|floatformat:"-2" }} {{ goal.unit }}{% else %}—{% endif %}</td>
        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{% if goal.latest_measurement is not None %}{{ goal.latest_measurement|floatformat:"-2" }} {{ goal.unit }}{% else %}{% translate "geen meting" %}{% endif %}</td>
        <td class="utrecht-table__cell">{% if item.outcome %}<span class="utrecht-status-badge{% if item.outcome.result == 'achieved' %} utrecht-status-badge--success{% elif item.outcome.result == 'partly' %} utrecht-status-badge--warning{% else %} utrecht-status-badge--danger{% endif %}">{{ item.outcome.get_result_display }}</span>{% if item.outcome.explanation %}<br><span class="hint">{{ item.outcome.explanation|truncatewords:30 }}</span>{% endif %}{% else %}{% translate "geen oordeel vastgelegd" %}{% endif %}</td>
      </tr>
    {% endwith %}{% endfor %}"""


def item(outcome=None, **values):
    defaults = {
        "pk": 7,
        "title": "Lezen & <rekenen>",
        "indicator": "",
        "baseline": Decimal("50.00"),
        "target_value": Decimal("62.50"),
        "unit": "%",
    }
    latest = values.pop("latest_measurement", Decimal("57.25"))
    defaults.update(values)
    goal = Goal(**defaults)
    goal.latest_measurement = latest
    return {"goal": goal, "outcome": outcome}


LONG = " ".join(f"woord{i} <b>&" for i in range(40))
ITEMS = [
    item(),
    item(indicator='Aandeel 1F "begrijpend" lezen', unit="leerlingen & ouders"),
    item(baseline=None, target_value=None, latest_measurement=None, unit=""),
    item(
        baseline=Decimal("-3"),
        target_value=Decimal("1234567.10"),
        latest_measurement=Decimal("0"),
        outcome=GoalOutcome(result="achieved", explanation=""),
    ),
    item(outcome=GoalOutcome(result="partly", explanation="Deels, <zie> verslag & bijlage")),
    item(outcome=GoalOutcome(result="not_achieved", explanation=LONG)),
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_rows_are_the_templates(language):
    context = {"sp": {"goals": ITEMS}}
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_ROWS).render(context)
        tag = engines["django"].from_string(
            "{% load cycle_rows %}    {% starting_point_rows sp.goals %}"
        )
        assert tag.render(context) == expected
    assert expected.count("<tr") == len(ITEMS)
