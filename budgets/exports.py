"""Exports for the municipality's accounting and accountant: XLSX (openpyxl) and CSV.

Every data set is built once as header + rows of Python values; the CSV and XLSX writers only
serialise them. Amounts stay numbers (Decimal in, number cell / plain number out). Text cells that a
spreadsheet could run as a formula (= + - @ or their full-width forms after leading spaces, or a
tab or CR) get a leading single quote (``core.text.neutralise``).
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from budgets.models import PlannedAmount
from budgets.selectors import (
    allocation_list,
    commitment_list,
    spending_goal_list,
    spending_list,
)
from budgets.sisa import sisa_dataset as sisa_rows
from core.money import format_money, to_money
from core.text import neutralise
from municipalities.models import Municipality


@dataclass
class DataSet:
    slug: str
    title: str
    headers: list[str]
    rows: list[list]
    money_columns: frozenset[int] = frozenset()
    # Where the figures come from and when ("Bron: ..., stand ..."); the XLSX lists it on a
    # last sheet "Bron" (a CSV stays plain rows, for machines).
    source: str = ""


def _yes_no(value: bool) -> str:
    return _("ja") if value else _("nee")


def allocations_dataset(*, municipality: Municipality) -> DataSet:
    rows = [
        [
            a.stream.name,
            a.period,
            a.amount,
            a.reference,
            _yes_no(a.is_estimate),
            a.estimate_basis,
            a.note,
        ]
        for a in allocation_list(municipality=municipality)
    ]
    headers = [
        _("Geldstroom"),
        _("Periode"),
        _("Bedrag"),
        _("Kenmerk beschikking"),
        _("Schatting"),
        _("Basis schatting"),
        _("Toelichting"),
    ]
    return DataSet("toekenningen", _("Toekenningen"), headers, rows, frozenset({2}))


def spending_goals_dataset(*, municipality: Municipality) -> DataSet:
    goals = spending_goal_list(municipality=municipality)
    rows = [
        [
            g.get_category_display(),
            g.get_suboption_display() if g.suboption else "",
            g.title,
            g.description,
            to_money(g.planned_total),
        ]
        for g in goals
    ]
    headers = [_("Categorie"), _("Onderdeel"), _("Titel"), _("Omschrijving"), _("Gepland totaal")]
    return DataSet("bestedingsdoelen", _("Bestedingsdoelen"), headers, rows, frozenset({4}))


def planned_dataset(*, municipality: Municipality) -> DataSet:
    planned = (
        PlannedAmount.objects.for_municipality(municipality)
        .select_related("stream", "spending_goal")
        .order_by("spending_goal__title", "spending_goal_id", "stream__sort_order", "period")
    )
    rows = [
        [
            p.spending_goal.title,
            p.spending_goal.get_category_display(),
            p.stream.name,
            p.period,
            p.amount,
        ]
        for p in planned
    ]
    headers = [_("Bestedingsdoel"), _("Categorie"), _("Geldstroom"), _("Periode"), _("Bedrag")]
    return DataSet("gepland", _("Geplande bedragen"), headers, rows, frozenset({4}))


def _transactions(slug: str, title: str, queryset) -> DataSet:
    rows = [
        [
            t.date,
            t.effective_performance_date,
            t.stream.name,
            t.spending_goal.title,
            t.spending_goal.get_category_display(),
            t.partner.name if t.partner else "",
            t.description,
            t.reference,
            t.amount,
        ]
        for t in queryset.order_by("date", "pk")
    ]
    headers = [
        _("Datum"),
        # The date the cost belongs to (its own, else the booking date): what the window counts.
        _("Prestatiedatum"),
        _("Geldstroom"),
        _("Bestedingsdoel"),
        _("Categorie"),
        _("Partnerorganisatie"),
        _("Omschrijving"),
        _("Factuur- of ordernummer"),
        _("Bedrag"),
    ]
    return DataSet(slug, title, headers, rows, frozenset({8}))


def commitments_dataset(*, municipality: Municipality) -> DataSet:
    return _transactions(
        "verplichtingen", _("Verplichtingen"), commitment_list(municipality=municipality)
    )


def spending_dataset(*, municipality: Municipality) -> DataSet:
    return _transactions("realisatie", _("Realisatie"), spending_list(municipality=municipality))


def sisa_dataset(*, municipality: Municipality) -> DataSet:
    """Per stream and calendar year: committed, spent, spent cumulatively, and what is left.

    The rows are ``budgets.sisa.sisa_dataset``: every year from the stream's first allocation up
    to and including this year, with zero for a year without spending.
    """
    rows = [
        [
            row.stream.name,
            row.year,
            _yes_no(row.stream.is_sisa),
            row.allocated_total,
            row.committed,
            row.spent,
            row.spent_cumulative,
            row.remaining,
        ]
        for row in sisa_rows(municipality=municipality)
    ]
    headers = [
        _("Geldstroom"),
        _("Jaar"),
        _("SiSa"),
        _("Toegekend (totaal)"),
        _("Verplicht in jaar"),
        _("Besteed in jaar"),
        _("Besteed cumulatief"),
        _("Nog te besteden"),
    ]
    return DataSet("sisa", _("SiSa-overzicht"), headers, rows, frozenset({3, 4, 5, 6, 7}))


DATASETS = {
    "toekenningen": allocations_dataset,
    "bestedingsdoelen": spending_goals_dataset,
    "gepland": planned_dataset,
    "verplichtingen": commitments_dataset,
    "realisatie": spending_dataset,
    "sisa": sisa_dataset,
}


def _csv_value(value):
    if isinstance(value, Decimal):
        return format_money(value, symbol=False, grouping=False)
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    return neutralise(value)


def to_csv(dataset: DataSet) -> bytes:
    """Semicolon-separated, decimal comma, UTF-8 with BOM: what Dutch Excel opens correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in dataset.headers])
    for row in dataset.rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(datasets: list[DataSet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for dataset in datasets:
        sheet = workbook.create_sheet(dataset.title[:31])
        sheet.append([neutralise(h) for h in dataset.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in dataset.rows:
            sheet.append([neutralise(v) for v in row])
        for index in dataset.money_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = "#,##0.00"
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "DD-MM-YYYY"
                elif isinstance(cell.value, str):
                    # Never let a cell be interpreted as a formula, whatever openpyxl guesses.
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    sources = [(d.title, d.source) for d in datasets if d.source]
    if sources:
        sheet = workbook.create_sheet(_("Bron"))
        sheet.append([_("Blad"), _("Bron")])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for title, source in sources:
            sheet.append([neutralise(title), neutralise(source)])
            sheet.cell(row=sheet.max_row, column=2).data_type = "s"
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def own_entries_source(*, municipality: Municipality) -> str:
    """ "Bron: eigen invoer gemeente X, stand <now>": every budget figure is the municipality's own."""
    from django.utils import timezone
    from django.utils.formats import date_format

    return _("Bron: eigen invoer gemeente %(name)s in het NPO-platform, stand %(date)s.") % {
        "name": municipality.name,
        "date": date_format(timezone.localtime(), "j N Y, H:i"),
    }


def all_datasets(*, municipality: Municipality) -> list[DataSet]:
    source = own_entries_source(municipality=municipality)
    datasets = [build(municipality=municipality) for build in DATASETS.values()]
    for dataset in datasets:
        dataset.source = source
    return datasets


__all__ = ["DATASETS", "all_datasets", "neutralise", "to_csv", "to_xlsx"]
