"""{% analysis_rows %}: the intake overview's rows, written in Python, are the markup the
template loop wrote (kept here as the reference) for every kind of row, in Dutch and English."""

import datetime
import zoneinfo

import pytest

from analyses.models import AnalysisStatus
from analyses.selectors import overview_rows
from schools.models import School
from tests.reference_markup import assert_same_markup

# The rows as the overview's template wrote them before the tag.
TEMPLATE_ROWS = """{% load i18n analyses_tags %}{% for school in page.object_list %}
      <tr class="utrecht-table__row">
        <td class="utrecht-table__cell">{% if school.analysis_pk %}<a href="{% url 'analyses:detail' municipality.slug school.analysis_pk %}" class="utrecht-link">{{ school.name }}</a>{% else %}{{ school.name }}{% endif %}{% if not school.has_school_user %} <span class="muted small">{% translate "(geen schoolgebruiker)" %}</span>{% endif %}</td>
        <td class="utrecht-table__cell">{{ school.vestigingscode }}</td>
        <td class="utrecht-table__cell"><abbr title="{{ school.get_sector_display }}">{{ school.sector }}</abbr></td>
        <td class="utrecht-table__cell">{% analysis_status school.analysis_status school.status_label %}</td>
        <td class="utrecht-table__cell">{{ school.analysis_submitted_at|date:"j N Y"|default:"–" }}</td>
        <td class="utrecht-table__cell">{{ school.last_reminder_at|date:"j N Y H:i"|default:"–" }}</td>
      </tr>
    {% endfor %}"""

UTC = zoneinfo.ZoneInfo("UTC")


def school(pk, status=None, analysis_pk=None, submitted=None, reminded=None, user=True):
    instance = School(pk=pk, name=f"School <{pk}>", vestigingscode=f"{pk:02d}XY00", sector="SBO")
    instance.analysis_status = status
    instance.analysis_pk = analysis_pk
    instance.analysis_submitted_at = submitted
    instance.last_reminder_at = reminded
    instance.has_school_user = user
    return instance


ROWS = [
    school(1),
    school(2, AnalysisStatus.SUBMITTED, 40, datetime.datetime(2026, 3, 31, 23, 30, tzinfo=UTC)),
    school(
        3,
        AnalysisStatus.ACCEPTED,
        41,
        datetime.datetime(2026, 1, 5, 8, 0, tzinfo=UTC),
        datetime.datetime(2025, 12, 31, 23, 59, tzinfo=UTC),
        user=False,
    ),  # fmt: skip
    school(
        4, AnalysisStatus.RETURNED, 42, reminded=datetime.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    ),
    school(5, AnalysisStatus.DRAFT, 43, user=False),
    # The same day as school 4's reminder a minute later, and school 2's submission an hour
    # earlier: each date and minute formatted once per table, never confused.
    school(
        6, AnalysisStatus.RETURNED, 44, reminded=datetime.datetime(2026, 6, 1, 12, 1, tzinfo=UTC)
    ),
    school(7, AnalysisStatus.SUBMITTED, 45, datetime.datetime(2026, 3, 31, 22, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_rows_are_the_templates(language):
    rows = overview_rows(ROWS)
    context = {"page": {"object_list": rows}, "municipality": {"slug": "utrecht"}}
    tag = "{% load analyses_tags %}{% analysis_rows page.object_list municipality.slug %}"
    expected = assert_same_markup(TEMPLATE_ROWS, tag, context, language)
    assert expected.count("<tr") == len(ROWS)
    assert "1 apr. 2026" in expected or "1 Apr. 2026" in expected or "April" in expected
