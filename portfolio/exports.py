"""The portfolio as an XLSX file, through the budget app's writer (which neutralises formulas)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from budgets.exports import DataSet, to_xlsx
from portfolio.selectors import PortfolioRow


def portfolio_dataset(rows: list[PortfolioRow]) -> DataSet:
    headers = [
        _("Gemeente"),
        _("CBS-code"),
        _("Cyclus"),
        _("Fase"),
        _("Dagen in fase"),
        _("Scholen"),
        _("Analyses ontvangen"),
        _("Toegekend"),
        _("Gepland"),
        _("Gepland (%)"),
        _("Besteed"),
        _("Besteed (%)"),
        _("Laatste gemeentefoto"),
        _("Signalen"),
        _("Eindverantwoording NPO"),
        _("Blokkerende controles"),
        _("Interne deadline"),
        _("Dagen tot interne deadline"),
        _("Laatste moment"),
        _("Dagen tot laatste moment"),
    ]
    data = []
    for row in rows:
        foto = row.last_gemeentefoto
        data.append(
            [
                row.municipality.name,
                row.municipality.cbs_code,
                row.cycle_title,
                row.phase_label,
                row.days_in_phase,
                row.schools,
                row.analyses_received,
                row.allocated,
                row.planned,
                row.planned_percent,
                row.spent,
                row.spent_percent,
                timezone.localtime(foto).date() if foto else None,
                " | ".join(alert.text for alert in row.alerts),
                *_closeout_cells(row),
            ]
        )
    return DataSet(
        slug="portfolio",
        title=_("Portfolio"),
        headers=headers,
        rows=data,
        money_columns=frozenset({7, 8, 10}),
        source=_(
            "Bron: eigen invoer van de gemeenten in het NPO-platform (cyclus, analyses ontvangen, "
            "toekenningen, planning, bestedingen en eindverantwoording); scholen: DUO, vestigingenbestanden stand "
            "schooljaar 2025/2026; stand %(date)s."
        )
        % {"date": date_format(timezone.localtime(), "j N Y, H:i")},
    )


def _closeout_cells(row: PortfolioRow) -> list:
    """Status, blocking checks, the internal deadline and the last moment with days left (a
    finished accounting has no days left to count)."""
    c = row.closeout
    if c is None:
        return [None] * 6
    internal = c.internal_deadline
    return [
        row.closeout_label,
        c.blocking,
        internal.date if internal else None,
        row.deadline_days,
        c.last_moment.date,
        None if row.closeout_done else c.last_moment.days_left,
    ]


def portfolio_xlsx(rows: list[PortfolioRow]) -> bytes:
    return to_xlsx([portfolio_dataset(rows)])
