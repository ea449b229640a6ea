"""Dashboard panel of the budgets app: the totals and how many warnings need attention."""

from budgets.selectors import budget_overview
from municipalities.dashboard import register_panel
from municipalities.models import FINANCE_READER_ROLES


def budget_panel(*, municipality, membership) -> dict:
    overview = budget_overview(municipality=municipality)
    return {
        "total": overview.total,
        "warnings": overview.warnings[:3],
        "more": len(overview.warnings) - 3,
    }


# Schools see nothing of the budgets; the accountant does (FINANCE_READER_ROLES).
register_panel(
    "budget",
    template="budgets/_dashboard_panel.html",
    context=budget_panel,
    roles=FINANCE_READER_ROLES,
    order=40,
)
