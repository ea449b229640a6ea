"""``{% sort_th key label num %}``: a sortable column header of the portfolio table.

Written in Python rather than as an included template: the table has twelve of them, and
including a template twelve times (a context, two ``with`` blocks and ``add`` filters each)
cost more than the table's rows. The markup is the one ``portfolio/_sort_th.html`` wrote
(tests/portfolio/test_sort_th.py keeps it as the reference and compares, in Dutch and English,
for an unsorted, an ascending and a descending column), every value escaped by ``html.escape``
(what Django's ``escape`` calls).
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

HEADER = (
    '<th scope="col" class="utrecht-table__header-cell{numeric}"{aria}>\n'
    '  <a href="{target}" hx-get="{target}" hx-target="#portfolio-results" '
    'hx-push-url="true" class="utrecht-link">{label}{mark}</a>\n{gap}</th>\n'
)
MARK = (
    '<span class="sort-mark" aria-hidden="true"> {arrow}</span>'
    '<span class="visually-hidden"> ({text})</span>'
)


@register.simple_tag(takes_context=True)
def sort_th(context, key: str, label, num: bool = False) -> str:
    """The header of column ``key``: a link that sorts by it (ascending, or descending when it
    is the ascending sort already), with the current sort order marked."""
    sort, base = context.get("sort", ""), context.get("sort_base", "")
    down = f"-{key}"
    if sort == key:
        target, aria = base + "sort=" + down, ' aria-sort="ascending"'
        mark = MARK.format(arrow="▲", text=escape(_("oplopend gesorteerd; klik voor aflopend")))
    else:
        target, aria = base + "sort=" + key, ' aria-sort="descending"' if sort == down else ""
        mark = (
            MARK.format(arrow="▼", text=escape(_("aflopend gesorteerd; klik voor oplopend")))
            if sort == down
            else ""
        )
    return mark_safe(  # noqa: S308 — every value escaped
        HEADER.format(
            numeric=" utrecht-table__header-cell--numeric-column" if num else "",
            aria=aria,
            target=escape(target),
            label=escape(str(label)),
            mark=mark,
            gap="  \n" if sort == key else "",  # as the template's branches left it
        )
    )
