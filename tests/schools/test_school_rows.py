"""{% school_rows %}: the school list's rows, written in Python, are the markup the template
loop wrote (kept here as the reference) for every kind of row, in Dutch and English."""

import pytest

from schools.models import School, SchoolBoard
from tests.reference_markup import assert_same_markup

# The rows as the page's template wrote them before the tag.
TEMPLATE_ROWS = """{% load i18n humanize %}{% for school in page.object_list %}
      <tr class="utrecht-table__row">
        <td class="utrecht-table__cell"><a href="{% url 'schools:school_detail' municipality.slug school.pk %}" class="utrecht-link">{{ school.name }}</a>{% if not school.is_active %} <span class="utrecht-status-badge utrecht-status-badge--warning">{% translate "niet actief" %}</span>{% endif %}</td>
        <td class="utrecht-table__cell">{{ school.vestigingscode }}</td>
        <td class="utrecht-table__cell"><abbr title="{{ school.get_sector_display }}">{{ school.sector }}</abbr>{% if school.onderwijsstructuur %}<br><span class="muted">{{ school.onderwijsstructuur }}</span>{% endif %}</td>
        <td class="utrecht-table__cell">{{ school.city|title|default:"–" }}</td>
        <td class="utrecht-table__cell">{% if school.board %}{{ school.board }}{% else %}–{% endif %}</td>
        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{% if school.latest_suppressed %}&lt;5{% elif school.latest_pupils is None %}<span class="muted">{% translate "onbekend" %}</span>{% else %}{{ school.latest_pupils|intcomma }}{% endif %}</td>
      </tr>
    {% endfor %}"""


def school(**values):
    defaults = {
        "pk": 7,
        "name": "De Linde & Co",
        "vestigingscode": "12AB00",
        "sector": "BO",
        "onderwijsstructuur": "",
        "city": "UTRECHT",
        "is_active": True,
        "board": None,
        "latest_pupils": 1234,
        "latest_suppressed": False,
    }
    defaults.update(values)
    board = defaults.pop("board")
    pupils, suppressed = defaults.pop("latest_pupils"), defaults.pop("latest_suppressed")
    instance = School(**defaults)
    instance.board = board
    instance.latest_pupils, instance.latest_suppressed = pupils, suppressed
    return instance


ROWS = [
    school(),
    school(
        pk=8, is_active=False, onderwijsstructuur="VMBO/HAVO", sector="VO", city="'s-GRAVENHAGE"
    ),
    school(pk=9, board=SchoolBoard(pk=3, number="41234", name="Stichting <Primair>"), city=""),
    school(pk=10, board=SchoolBoard(pk=4, number="40000", name=""), latest_pupils=None),
    school(pk=11, latest_suppressed=True, latest_pupils=3, city="de bilt"),
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_rows_are_the_templates(language):
    context = {"page": {"object_list": ROWS}, "municipality": {"slug": "utrecht"}}
    tag = "{% load school_rows %}{% school_rows page.object_list municipality.slug %}"
    expected = assert_same_markup(TEMPLATE_ROWS, tag, context, language)
    assert expected.count("<tr") == len(ROWS)
