"""``{% school_rows schools municipality_slug %}``: the rows of the school list's table.

Written in Python rather than in the page's template because the list shows fifty locations a
page and the template engine spent about 600 function calls on each row (variable lookups,
filters, a reversed URL, the badge): more than the rest of the page. The markup is the one the
template wrote (tests/schools/test_school_rows.py renders the former template rows next to this
tag and compares them), every value escaped (``core.html.html_of``, as ``format_html`` does), the figures formatted as before
(``intcomma``, ``title``).
"""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import title
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.html import html_of
from core.templatetags.url_memo import reverse_memo

register = template.Library()

ROW = (
    '\n      <tr class="utrecht-table__row">\n'
    '        <td class="utrecht-table__cell"><a href="{url}" class="utrecht-link">{name}</a>'
    "{inactive}</td>\n"
    '        <td class="utrecht-table__cell">{code}</td>\n'
    '        <td class="utrecht-table__cell"><abbr title="{sector_name}">{sector}</abbr>'
    "{structure}</td>\n"
    '        <td class="utrecht-table__cell">{city}</td>\n'
    '        <td class="utrecht-table__cell">{board}</td>\n'
    '        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{pupils}</td>\n'
    "      </tr>\n    "
)


def _pupils(school, unknown: str) -> str:
    if school.latest_suppressed:
        return "&lt;5"
    if school.latest_pupils is None:
        return unknown
    return html_of(intcomma(school.latest_pupils))


@register.simple_tag
def school_rows(schools, municipality_slug: str) -> str:
    inactive = format_html(
        ' <span class="utrecht-status-badge utrecht-status-badge--warning">{}</span>',
        _("niet actief"),
    )
    unknown = format_html('<span class="muted">{}</span>', _("onbekend"))
    sector_names = {}
    rows = []
    for school in schools:
        url = reverse_memo("schools:school_detail", [municipality_slug, school.pk], {}, None)
        sector_name = sector_names.get(school.sector)
        if sector_name is None:
            sector_name = sector_names[school.sector] = html_of(school.get_sector_display())
        structure = school.onderwijsstructuur
        rows.append(
            ROW.format(
                url=html_of(url),
                name=html_of(school.name),
                inactive="" if school.is_active else inactive,
                code=html_of(school.vestigingscode),
                sector_name=sector_name,
                sector=html_of(school.sector),
                structure=f'<br><span class="muted">{html_of(structure)}</span>'
                if structure
                else "",
                city=html_of(title(school.city)) if school.city else "–",
                board=html_of(school.board) if school.board_id else "–",
                pupils=_pupils(school, unknown),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 — every value above escaped
