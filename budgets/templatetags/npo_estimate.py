"""``{% npo_estimate_summary municipality %}``: the NPO estimate beside the allocations, on every
budget page that shows NPO money (one selector, a fixed number of queries)."""

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from budgets.estimate import npo_estimate
from core.money import format_money
from schools.selectors import municipality_pupil_figures

register = template.Library()


@register.inclusion_tag("budgets/_npo_estimate.html")
def npo_estimate_summary(municipality, blocks=None) -> dict:
    """``blocks``: the page's budget read (``budgets.figures``), so the allocations beside the
    estimate are the page's own figures and are not read again."""
    estimate = npo_estimate(municipality=municipality, blocks=blocks)
    return {"estimate": estimate, "municipality": municipality}


@register.simple_tag
def npo_estimate_note(municipality, blocks=None) -> str:
    """One line for the dashboard: whether the NPO amount is a beschikking or an estimate, and
    what the estimate includes. ``blocks``: the budget panel's read; the pupils are those the
    schools panel read (``municipality_pupil_figures``, once per dashboard view)."""
    pupils = municipality_pupil_figures(municipality=municipality)
    estimate = npo_estimate(municipality=municipality, blocks=blocks, pupils=pupils)
    if estimate is None or not estimate.pupils:
        return ""
    if estimate.has_allocation:
        return _(
            "NPO: toegekend volgens beschikking %(allocated)s; schatting %(estimate)s "
            "(verschil %(difference)s)."
        ) % {
            "allocated": format_money(estimate.allocated),
            "estimate": format_money(estimate.total),
            "difference": format_money(estimate.difference),
        }
    if estimate.estimated_allocations is None:
        return ""
    return _(
        "Het NPO-bedrag is een schatting: %(pupils)s leerlingen (po en vo, incl. vavo) op 1 okt. "
        "%(year)s × %(per_pupil)s%(oab)s. %(source)s."
    ) % {
        "pupils": formats.number_format(estimate.pupils, force_grouping=True),
        "year": estimate.year,
        "per_pupil": format_money(estimate.per_pupil),
        "oab": _("; OAB-deel niet meegeteld") if estimate.oab_part is None else _(" plus OAB-deel"),
        "source": estimate.source_text(),
    }
