"""The Inspectie's schoolweging per school location and school year."""

from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _

from schools.importers.base import (
    ReferenceDataError,
    Summary,
    read_table,
    require_columns,
    require_pattern,
    require_unique,
    sync_rows,
)
from schools.importers.datasets.common import int_or_none
from schools.models import School, SchoolWeight

BRIN = r"[0-9A-Z]{4}"
WEIGHT_COLUMNS = ["OVT", "schoolweging", "aantal_leerlingen", "spreiding"]
SCHOOL_YEAR = r"[0-9]{4}-[0-9]{4}"


def read_weights(path: Path) -> pd.DataFrame:
    """The Inspectie spreadsheet (.ods, one sheet per school year) or its long CSV export."""
    label = path.name
    if path.suffix.lower() == ".ods":
        try:
            sheets = pd.read_excel(path, engine="odf", sheet_name=None, dtype=str)
        except Exception as exc:  # odfpy raises a variety of errors on broken files
            raise ReferenceDataError(
                _("%(file)s: geen leesbaar .ods-bestand (%(error)s).")
                % {"file": label, "error": exc}
            ) from exc
        frames = []
        for name, sheet in sheets.items():
            if not pd.Series([name]).str.fullmatch(SCHOOL_YEAR).iloc[0]:
                continue  # Toelichting, Driejaarsgemiddelde, ...
            sheet.columns = [str(c).strip() for c in sheet.columns]
            require_columns(sheet, WEIGHT_COLUMNS, f"{label} (blad {name})")
            frames.append(sheet[WEIGHT_COLUMNS].fillna("").assign(schooljaar=name))
        if not frames:
            raise ReferenceDataError(
                _("%(file)s: geen bladen per schooljaar (zoals '2023-2024') gevonden.")
                % {"file": label}
            )
        frame = pd.concat(frames, ignore_index=True).apply(lambda c: c.astype(str).str.strip())
    else:
        frame = read_table(path, sep=",", columns=[*WEIGHT_COLUMNS, "schooljaar"], label=label)
    require_pattern(frame, "OVT", rf"{BRIN}\|C[0-9]+", label, _("OVT-code (BRIN|C1)"))
    require_pattern(frame, "schooljaar", SCHOOL_YEAR, label, _("schooljaar (2023-2024)"))
    require_unique(frame, ["OVT", "schooljaar"], label, "OVT")
    for column in ("schoolweging", "aantal_leerlingen", "spreiding"):
        require_pattern(frame, column, r"|[0-9]+(\.[0-9]+)?", label, _("getal"))
    return frame


def _decimal(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        return Decimal(value).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - the pattern check rules this out
        return None


def load_school_weights(*, weights_path: Path) -> Summary:
    summary = Summary(_("Schoolwegingen"))
    frame = read_weights(weights_path)
    school_ids = dict(School.objects.values_list("vestigingscode", "pk"))
    # The Inspectie supervises "objects" BRIN|Cn; C1 is the main location, DUO's BRIN00.
    main = frame["OVT"].str.endswith("|C1")
    frame = frame.assign(code=frame["OVT"].str[:4] + "00")
    frame["school_id"] = frame["code"].map(school_ids)
    matched = frame[main & frame["school_id"].notna()]
    desired = {
        (int(row.school_id), row.schooljaar): {
            "weight": _decimal(row.schoolweging),
            "pupils": int_or_none(row.aantal_leerlingen),
            "spread": _decimal(row.spreiding),
        }
        for row in matched.itertuples()
    }
    plan = sync_rows(
        model=SchoolWeight,
        key_fields=("school_id", "school_year"),
        fields=("weight", "pupils", "spread"),
        desired=desired,
        existing=SchoolWeight.objects.values(
            "pk", "school_id", "school_year", "weight", "pupils", "spread"
        ),
    )
    summary.added, summary.updated, summary.unchanged = (
        plan.added,
        plan.updated,
        plan.unchanged,
    )
    summary.notes.append(
        _(
            "%(matched)s van %(total)s regels gekoppeld; niet gekoppeld: %(extra)s nevenlocaties "
            "(C2 en hoger) en %(unknown)s hoofdlocaties (C1) zonder DUO-vestiging BRIN00."
        )
        % {
            "matched": len(matched),
            "total": len(frame),
            "extra": int((~main).sum()),
            "unknown": int((main & frame["school_id"].isna()).sum()),
        }
    )
    return summary
