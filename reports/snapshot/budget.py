"""The budget per funding stream and spending-goal category, read through the budgets app's own
selector: ``budgets.selectors.budget_overview`` (a constant number of queries) does the sums."""

from django.utils.translation import gettext as _

from budgets.estimate import npo_estimate
from budgets.selectors import budget_overview
from core.money import format_money
from municipalities.models import Municipality
from reports.snapshot.common import unavailable


def _money(value) -> str:
    return str(value)  # Decimal -> "1234.50": exact, JSON-safe, parsed back with Decimal()


def budget_section(municipality: Municipality, cycle) -> dict:
    overview = budget_overview(municipality=municipality, cycle=cycle)
    total = overview.total
    if not (total.allocated or total.planned or total.spent):
        return unavailable(_("Er is nog geen begroting vastgelegd."))
    streams = [
        {
            "label": block.stream.name,
            "available": _money(block.total.allocated),
            "planned": _money(block.total.planned),
            "committed": _money(block.total.committed),
            "spent": _money(block.total.spent),
            "estimate": block.has_estimate,
        }
        for block in overview.blocks
    ]
    categories = [
        {
            "code": code,
            "label": str(label),
            "planned": _money(figures.planned),
            "committed": _money(figures.committed),
            "spent": _money(figures.spent),
        }
        for code, label, figures in overview.by_category
    ]
    note = ""
    if any(s["estimate"] for s in streams):
        note = _(
            "Bedragen gemarkeerd als schatting zijn berekend uit leerlingaantallen en nog niet "
            "bevestigd door een beschikking."
        )
    # The NPO estimate says what it includes; beside a beschikking it shows the difference.
    estimate = npo_estimate(municipality=municipality)
    if estimate is not None and estimate.pupils:
        if estimate.has_allocation:
            note = " ".join(
                filter(
                    None,
                    [
                        note,
                        _(
                            "NPO: toegekend volgens beschikking %(allocated)s; ter controle de "
                            "schatting %(estimate)s (verschil %(difference)s)."
                        )
                        % {
                            "allocated": format_money(estimate.allocated),
                            "estimate": format_money(estimate.total),
                            "difference": format_money(estimate.difference),
                        },
                        estimate.includes_text(),
                        estimate.oab_text(),
                        estimate.source_text() + ".",
                    ],
                )
            )
        elif any(s["estimate"] for s in streams):
            note = f"{note} {estimate.basis_text()}"
    return {
        "available": True,
        "total_available": _money(total.allocated),
        "total_planned": _money(total.planned),
        "total_committed": _money(total.committed),
        "total_spent": _money(total.spent),
        "categories": categories,
        "streams": streams,
        "note": note,
        # The overview's warnings (overspending, commitments above the plan, money outside the
        # window), frozen with the figures they are about.
        "warnings": [w.text for w in overview.warnings],
    }
