"""The analyses' template tags.

``{% analysis_status status label %}``: an analysis's status as an NL Design System badge (a tag
rather than an included template: the intake overview shows one per school row).

``{% analysis_rows schools municipality_slug %}``: the rows of the intake overview's table, in
Python: fifty a page, and the template engine spent more on them (variable lookups, a reversed
URL, two dates, the badge) than on the rest of the page. The markup is the one the template
wrote (tests/analyses/test_analysis_rows.py compares them), every value escaped by
``format_html``, the dates formatted by Django's ``date`` filter in the local time zone as the
template did.
"""

from django import template
from django.template.defaultfilters import date
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from analyses.models import AnalysisStatus
from core.html import html_of
from core.templatetags.url_memo import reverse_memo

register = template.Library()

# The statuses still waiting for the municipality (neutral badge); accepted is green, a missing
# analysis red, anything else (a draft, returned) orange.
WAITING = {AnalysisStatus.SUBMITTED, AnalysisStatus.RESUBMITTED}


@register.simple_tag
def analysis_status(status: str | None, label) -> str:
    if not status:
        modifier, text = " utrecht-status-badge--danger", _("Niet begonnen")
    elif status == AnalysisStatus.ACCEPTED:
        modifier, text = " utrecht-status-badge--success", label
    elif status in WAITING:
        modifier, text = "", label
    else:
        modifier, text = " utrecht-status-badge--warning", label
    return format_html('<span class="utrecht-status-badge{}">{}</span>', modifier, text)


ROW = (
    '\n      <tr class="utrecht-table__row">\n'
    '        <td class="utrecht-table__cell">{name}{no_user}</td>\n'
    '        <td class="utrecht-table__cell">{code}</td>\n'
    '        <td class="utrecht-table__cell"><abbr title="{sector_name}">{sector}</abbr></td>\n'
    '        <td class="utrecht-table__cell">{status}</td>\n'
    '        <td class="utrecht-table__cell">{submitted}</td>\n'
    '        <td class="utrecht-table__cell">{reminded}</td>\n'
    "      </tr>\n    "
)


def _dates(style: str):
    """``{{ value|date:style|default:"–" }}`` (an aware datetime in the local time zone), each
    distinct minute formatted once per table."""
    formatted = {}

    def render(value) -> str:
        if value is None:
            return "–"
        # Keyed on the stored minute (and its zone): the same minute is the same local minute,
        # so the conversion to local time is only paid for a minute not seen before.
        key = (value.tzinfo, value.year, value.month, value.day, value.hour, value.minute)
        text = formatted.get(key)
        if text is None:
            text = formatted[key] = date(template_localtime(value), style) or "–"
        return text

    return render


@register.simple_tag
def analysis_rows(schools, municipality_slug: str) -> str:
    no_user = format_html(' <span class="muted small">{}</span>', _("(geen schoolgebruiker)"))
    submitted, reminded = _dates("j N Y"), _dates("j N Y H:i")
    badges = {}
    rows = []
    for school in schools:
        if school.analysis_pk:
            url = reverse_memo("analyses:detail", [municipality_slug, school.analysis_pk], {}, None)
            name = f'<a href="{html_of(url)}" class="utrecht-link">{html_of(school.name)}</a>'
        else:
            name = html_of(school.name)
        badge_key = (school.analysis_status, str(school.status_label))
        badge = badges.get(badge_key)
        if badge is None:
            badge = badges[badge_key] = analysis_status(*badge_key)
        rows.append(
            ROW.format(
                name=name,
                no_user="" if school.has_school_user else no_user,
                code=html_of(school.vestigingscode),
                sector_name=html_of(school.get_sector_display()),
                sector=html_of(school.sector),
                status=badge,
                submitted=html_of(submitted(school.analysis_submitted_at)),
                reminded=html_of(reminded(school.last_reminder_at)),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 — every value above escaped
