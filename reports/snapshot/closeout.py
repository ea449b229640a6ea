"""The snapshot of a close-out job (the SiSa overview or the accountant's PDF) of one stream.

Every figure comes from ``closeout.selectors.accounting_figures`` (the workspace's own selector,
whose SiSa lines extend ``budgets.sisa.sisa_dataset``) and the checks from ``closeout.checks``:
the files and the PDF compute nothing of their own, so they always equal the workspace. Amounts
are stored as exact decimal strings in whole cents; totals are the selector's sums of exact
amounts, never rounded.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from closeout import selectors as closeout_selectors
from core.money import to_money
from reports.snapshot.common import ProgressCallback, date_display, snapshot_base

SISA_MONEY_COLUMNS = (3, 4, 5, 6)


def money(value: Decimal | None) -> str | None:
    """Whole cents as a string ("1234.50"); None stays None (nothing entered)."""
    return None if value is None else str(to_money(value))


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i") if value else ""


def _accounting(accounting) -> dict:
    if accounting is None:
        return {
            "status": "concept",
            "status_display": _("Nog niet begonnen (concept)"),
            "final_year": None,
        }
    return {
        "status": accounting.status,
        "status_display": accounting.get_status_display(),
        "final_year": accounting.final_year,
        "prepared_by": str(accounting.prepared_by or ""),
        "prepared_at": _moment(accounting.prepared_at),
        "checked_by": str(accounting.checked_by or ""),
        "checked_at": _moment(accounting.checked_at),
        "finalised_by": str(accounting.finalised_by or ""),
        "finalised_at": _moment(accounting.finalised_at),
        "decision_date": date_display(accounting.decision_date),
        "decision_reference": accounting.decision_reference,
        "sha256": accounting.snapshot_sha256,
    }


def _yes_no(value: bool) -> str:
    return _("ja") if value else _("nee")


def sisa_table(figures) -> dict:
    """The SiSa lines as one table: the rows of the ODS, XLSX and CSV and of the PDF chapter."""
    stream = figures.stream
    rows = [
        [
            stream.name,
            line.year,
            ", ".join(f"{i.code} {i.text}".strip() for i in line.indicators),
            money(line.computed),
            money(line.cumulative),
            money(line.reported),
            money(line.correction),
            _yes_no(line.is_final_year),
        ]
        for line in figures.sisa_lines
    ]
    return {
        "slug": "sisa",
        "title": _("SiSa-overzicht"),
        "headers": [
            _("Geldstroom"),
            _("Jaar (T)"),
            _("Indicator"),
            _("Besteding ten laste van rijksmiddelen in jaar T (berekend)"),
            _("Cumulatief tot en met jaar T"),
            _("Verantwoord in de jaarrekening over jaar T"),
            _("Correctie voorgaande jaren (berekend min verantwoord)"),
            _("Eindverantwoording"),
        ],
        "rows": rows,
        "money_columns": list(SISA_MONEY_COLUMNS),
    }


def _display(table: dict) -> dict:
    """The table for the PDF: without the stream column (the whole document is one stream),
    each cell marked money or not."""
    money_columns = set(table["money_columns"])
    return {
        "headers": [
            {"text": h, "money": i in money_columns}
            for i, h in enumerate(table["headers"])
            if i > 0
        ],
        "rows": [
            [
                {
                    "value": "–" if v is None else v,
                    "money": i in money_columns and v is not None,
                    "num": i in money_columns,
                }
                for i, v in enumerate(row)
                if i > 0
            ]
            for row in table["rows"]
        ],
    }


def _year(row) -> dict:
    return {
        "year": row.year,
        "label": row.label,
        "eligible": money(row.eligible),
        "outside_window": money(row.outside_window),
        "category_not_allowed": money(row.category_not_allowed),
        "ineligible": money(row.ineligible),
        "total": money(row.total),
        "charged": money(row.charged),
        "own_funds": money(row.own_funds),
        "ledger": money(row.ledger),
        "difference": money(row.ledger_difference),
    }


def _checks(*, figures, accounting) -> tuple[list[dict], bool | None]:
    """The checks as now, and for a definitief accounting whether the figures now still give
    the SHA-256 frozen at definitief (None: nothing frozen)."""
    from closeout.checks import accounting_checks
    from closeout.services import snapshot_build, snapshot_sha256

    found = accounting_checks(figures=figures, accounting=accounting)
    matches = None
    if accounting is not None and accounting.snapshot_sha256:
        again = snapshot_build(figures=figures, checks=found, accounting=accounting)
        matches = snapshot_sha256(again) == accounting.snapshot_sha256
    checks = [{"code": c.code, "text": c.message, "blocking": c.is_blocking} for c in found]
    return checks, matches


def closeout_collect(job, progress: ProgressCallback) -> dict:
    municipality, stream = job.municipality, job.stream
    progress(15, _("Cijfers van de eindverantwoording"))
    accounting = closeout_selectors.final_accounting_get(municipality=municipality, stream=stream)
    figures = closeout_selectors.accounting_figures(
        municipality=municipality, stream=stream, accounting=accounting
    )
    if job.kind == "sisa":
        title = _("SiSa-overzicht %(stream)s, gemeente %(name)s") % {
            "stream": stream.name,
            "name": municipality.name,
        }
    else:
        title = _("Eindverantwoording %(stream)s, gemeente %(name)s") % {
            "stream": stream.name,
            "name": municipality.name,
        }
    data = snapshot_base(job, title)
    ledger_years = [y for y in figures.years if y.ledger is not None]
    data.update(
        {
            "source": _(
                "Bron: eigen invoer gemeente %(name)s in het NPO-platform (beschikkingen, "
                "bestedingen met prestatiedatum, grootboekbedragen en in de jaarrekening "
                "verantwoorde waarden), stand %(date)s."
            )
            % {"name": municipality.name, "date": data["generated_at_display"]},
            "stream": {
                "code": stream.code,
                "name": stream.name,
                "window_start": date_display(figures.window_start),
                "window_end": date_display(figures.window_end),
                "window_display": _("%(start)s tot en met %(end)s")
                % {
                    "start": date_display(figures.window_start),
                    "end": date_display(figures.window_end),
                },
            },
            "accounting": _accounting(accounting),
            "sisa": sisa_table(figures),
        }
    )
    data["sisa_display"] = _display(data["sisa"])
    if job.kind == "sisa":
        return data
    progress(35, _("Beschikkingen, jaren en categorieën"))
    spent = figures.eligible + figures.ineligible
    data.update(
        {
            "beschikkingen": [
                {
                    "kind": b.get_kind_display(),
                    "date": date_display(b.date),
                    "reference": b.reference,
                    "recipient": b.recipient_name,
                    "amount": money(b.amount),
                    "final_amount": money(b.final_amount),
                    "reclaim_amount": money(b.reclaim_amount),
                }
                for b in figures.beschikkingen
            ],
            "totals": {
                "granted": money(figures.granted),
                "spent": money(spent),
                "eligible": money(figures.eligible),
                "ineligible": money(figures.ineligible),
                "outside_window": money(figures.outside_window),
                "category_not_allowed": money(figures.category_not_allowed),
                "charged": money(figures.charged),
                "own_funds": money(figures.own_funds),
                "unspent": money(figures.unspent),
                "ledger": money(sum((y.ledger for y in ledger_years), Decimal(0))),
                "ledger_difference": money(
                    sum((y.ledger_difference for y in ledger_years), Decimal(0))
                ),
                "ledger_years": len(ledger_years),
            },
            "years": [_year(y) for y in figures.years],
            "school_years": [_year(y) for y in figures.school_years],
            "category_years": [y.year for y in figures.years],
            "categories": [
                {
                    "label": c.label,
                    "allowed": c.category in figures.allowed_categories,
                    "by_year": [money(c.by_year.get(y.year, Decimal(0))) for y in figures.years],
                    "total": money(c.total),
                }
                for c in figures.categories
            ],
            "category_total_by_year": [money(y.eligible) for y in figures.years],
        }
    )
    progress(50, _("Controles"))
    data["checks"], data["accounting"]["matches_frozen"] = _checks(
        figures=figures, accounting=accounting
    )
    return data
