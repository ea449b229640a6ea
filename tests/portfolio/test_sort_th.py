"""{% sort_th %}: the portfolio's sortable column header, written in Python, is the markup the
included template wrote (kept here as the reference), in Dutch and English."""

import pytest

from tests.reference_markup import assert_same_markup

# portfolio/_sort_th.html as it was, included once per column.
TEMPLATE = """{% load i18n %}{% with down="-"|add:key %}<th scope="col" class="utrecht-table__header-cell{% if num %} utrecht-table__header-cell--numeric-column{% endif %}"{% if sort == key %} aria-sort="ascending"{% elif sort == down %} aria-sort="descending"{% endif %}>
  {% if sort == key %}{% with target=sort_base|add:"sort="|add:down %}<a href="{{ target }}" hx-get="{{ target }}" hx-target="#portfolio-results" hx-push-url="true" class="utrecht-link">{{ label }}<span class="sort-mark" aria-hidden="true"> ▲</span><span class="visually-hidden"> ({% translate "oplopend gesorteerd; klik voor aflopend" %})</span></a>{% endwith %}
  {% else %}{% with target=sort_base|add:"sort="|add:key %}<a href="{{ target }}" hx-get="{{ target }}" hx-target="#portfolio-results" hx-push-url="true" class="utrecht-link">{{ label }}{% if sort == down %}<span class="sort-mark" aria-hidden="true"> ▼</span><span class="visually-hidden"> ({% translate "aflopend gesorteerd; klik voor oplopend" %})</span>{% endif %}</a>{% endwith %}{% endif %}
</th>{% endwith %}
"""


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("sort", ["name", "-name", "days", "-days", ""])
@pytest.mark.parametrize("num", [False, True])
def test_header_is_the_templates(language, sort, num):
    context = {
        "sort": sort,
        "sort_base": "/portfolio/?alert=any&phase=data&",
        "label": "Naam & <b>",
    }
    tag = "{% load portfolio_tags %}{% sort_th 'name' label num %}"
    expected = assert_same_markup(
        TEMPLATE,
        tag,
        {**context, "key": "name", "num": num},
        language,
        tag_context={**context, "num": num},
    )
    assert "&amp;" in expected and "&lt;b&gt;" in expected
