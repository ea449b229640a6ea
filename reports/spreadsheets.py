"""The SiSa overview of a close-out job as XLSX, ODS and CSV, all three from one table.

The table is the ``sisa`` part of the job's snapshot (``reports.snapshot.closeout``), itself the
closeout app's SiSa lines on ``budgets.sisa.sisa_dataset``: the files never compute a figure of
their own. Amounts are stored in the snapshot as exact decimal strings (whole cents,
``core.money.to_money``) and written as number cells; text cells are neutralised
(``core.text.neutralise``) so a spreadsheet never runs one as a formula. XLSX and CSV are written
by the budget exports' writers (one style for every spreadsheet the platform hands out); ODS,
the open standard government must accept, by pandas with the ``odf`` engine. pandas is imported
inside the function: only the worker needs it.
"""

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from budgets.exports import DataSet, to_csv, to_xlsx
from core.money import to_money
from core.text import neutralise


def _cell(value, is_money: bool):
    if is_money and value not in (None, ""):
        return to_money(Decimal(value))
    return neutralise(value)


def table_dataset(table: dict, *, source: str = "") -> DataSet:
    """A snapshot table ({"slug", "title", "headers", "rows", "money_columns"}) as a DataSet,
    with its money columns back as Decimal."""
    money = frozenset(table.get("money_columns", []))
    rows = [[_cell(v, i in money) for i, v in enumerate(row)] for row in table["rows"]]
    return DataSet(
        slug=table["slug"],
        title=table["title"],
        headers=list(table["headers"]),
        rows=rows,
        money_columns=money,
        source=source,
    )


def to_ods(datasets: list[DataSet]) -> bytes:
    """The same sheets as ``to_xlsx`` (the tables, then "Bron"), as an OpenDocument spreadsheet."""
    import pandas as pd  # lazy: heavy, and only the worker writes spreadsheets

    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="odf") as writer:
        for dataset in datasets:
            frame = pd.DataFrame(
                [list(row) for row in dataset.rows],
                columns=[neutralise(h) for h in dataset.headers],
                dtype=object,
            )
            frame.to_excel(writer, sheet_name=dataset.title[:31], index=False)
        sources = [[neutralise(d.title), neutralise(d.source)] for d in datasets if d.source]
        if sources:
            frame = pd.DataFrame(sources, columns=[_("Blad"), _("Bron")], dtype=object)
            frame.to_excel(writer, sheet_name=_("Bron"), index=False)
    return out.getvalue()


def sisa_files(snapshot: dict) -> dict[str, bytes]:
    """{"xlsx": ..., "ods": ..., "csv": ...} of the snapshot's SiSa table (the CSV: that table
    only, plain rows for machines; the spreadsheets add the source on a sheet "Bron")."""
    dataset = table_dataset(snapshot["sisa"], source=snapshot.get("source", ""))
    return {
        "xlsx": to_xlsx([dataset]),
        "ods": to_ods([dataset]),
        "csv": to_csv(dataset),
    }
