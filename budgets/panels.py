"""Dashboard panel of the budgets app: the totals and how many warnings need attention."""

from budgets.figures import budget_figures_for
from municipalities.dashboard import register_panel
from municipalities.models import FINANCE_READER_ROLES


def budget_panel(*, municipality, membership) -> dict:
    # The overview's own read and figure functions (budgets.figures), without its categories,
    # chart and calendar years: three queries.
    budget = budget_figures_for(municipality=municipality)
    warnings = budget.warnings
    return {
        "total": budget.total,
        "warnings": warnings[:3],
        "more": len(warnings) - 3,
        "blocks": budget.blocks,  # the NPO note's allocations (no second read)
    }


# Schools see nothing of the budgets; the accountant does (FINANCE_READER_ROLES).
register_panel(
    "budget",
    template="budgets/_dashboard_panel.html",
    context=budget_panel,
    roles=FINANCE_READER_ROLES,
    order=40,
)
