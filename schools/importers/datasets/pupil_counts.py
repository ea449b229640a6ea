"""Pupil counts per location and year (1 October): DUO's PO pupil history (PO, SBO, SO, VSO;
1996 on) and DUO's VO pupils per location (2017–2022, with the pupils placed with vavo).

Both go into one table, so one set of selectors serves every sector. 96 VO locations were VSO
until about 2001: the PO history has them with 0 pupils in 2017–2022, where the VO files have
their pupils; a location with pupils in both files for the same year is refused.
"""

from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _

from schools.importers.base import ReferenceDataError, Summary, cell_error, sync_rows
from schools.importers.datasets.common import UNKNOWN_MUNICIPALITY_CODE
from schools.importers.datasets.duo_history import YEAR_PREFIX, read_history
from schools.importers.datasets.duo_vo_pupils import CODE, TOTAL, read_vo_pupils
from schools.models import PupilCount, School


def load_pupil_counts(
    *, history_path: Path, vo_pupil_paths: list[Path] | None = None, progress=None
) -> Summary:
    summary = Summary(_("Leerlingaantallen"))
    history, year_columns = read_history(history_path)
    history = history[history["GEMEENTECODE_VESTIGING"] != UNKNOWN_MUNICIPALITY_CODE]
    school_ids = dict(School.objects.values_list("vestigingscode", "pk"))
    missing = history.index[~history["VESTIGINGSCODE"].isin(school_ids.keys())]
    if len(missing):
        raise cell_error(
            history_path.name,
            missing[0],
            "VESTIGINGSCODE",
            _("vestiging '%(code)s' is onbekend; laad eerst de schoolvestigingen.")
            % {"code": history.at[missing[0], "VESTIGINGSCODE"]},
        )
    # One row per location and year with a value, column by column (year by year), in numpy:
    # about 300k rows, so no Python per cell until the dicts below.
    raw = history[year_columns].to_numpy(dtype=object).T
    filled = raw != ""
    ids = history["VESTIGINGSCODE"].map(school_ids).to_numpy(dtype=np.int64)
    years = np.array([int(c.removeprefix(YEAR_PREFIX)) for c in year_columns], dtype=np.int64)
    school = np.broadcast_to(ids[None, :], raw.shape)[filled].tolist()
    year = np.broadcast_to(years[:, None], raw.shape)[filled].tolist()
    values = raw[filled]
    suppressed = values == "<5"  # read_history let through only digits and <5
    values[suppressed] = "0"
    count = values.astype(np.int64).tolist()
    desired = {
        (s, y): {"count": None if sup else c, "suppressed": sup, "vavo": None}
        for s, y, c, sup in zip(school, year, count, suppressed.tolist(), strict=True)
    }
    vo = read_vo_pupils(vo_pupil_paths or [])
    missing = vo[~vo["code"].isin(school_ids.keys())]
    if len(missing):
        row = missing.iloc[0]
        raise ReferenceDataError(
            _(
                "%(file)s, regel %(line)s, kolom '%(column)s': vestiging '%(code)s' is onbekend; "
                "laad eerst de schoolvestigingen."
            )
            % {"file": row["file"], "line": row["line"], "column": CODE, "code": row["code"]}
        )
    for row in vo.itertuples(index=False):
        key = (school_ids[row.code], int(row.year))
        po = desired.get(key)
        if po is not None and (po["count"] or po["suppressed"]):
            raise ReferenceDataError(
                _(
                    "%(file)s, regel %(line)s, kolom '%(column)s': vestiging '%(code)s' heeft op "
                    "1 oktober %(year)s ook leerlingen in %(history)s; een telling mag maar in "
                    "één bestand staan."
                )
                % {
                    "file": row.file,
                    "line": row.line,
                    "column": TOTAL,
                    "code": row.code,
                    "year": row.year,
                    "history": history_path.name,
                }
            )
        desired[key] = {"count": int(row.total), "suppressed": False, "vavo": int(row.vavo)}
    existing = PupilCount.objects.values_list(
        "pk", "school_id", "year", "count", "suppressed", "vavo"
    )
    plan = sync_rows(
        model=PupilCount,
        key_fields=("school_id", "year"),
        fields=("count", "suppressed", "vavo"),
        desired=desired,
        existing=(
            {"pk": pk, "school_id": s, "year": y, "count": c, "suppressed": sup, "vavo": v}
            for pk, s, y, c, sup, v in existing.iterator(chunk_size=20000)
        ),
        batch_size=5000,
        progress=progress,
        raw_insert=True,
    )
    summary.added, summary.updated, summary.unchanged = (
        plan.added,
        plan.updated,
        plan.unchanged,
    )
    summary.notes.append(
        _("%(years)s jaren (%(first)s–%(last)s), %(suppressed)s tellingen afgeschermd (<5).")
        % {
            "years": len(year_columns),
            "first": year_columns[0].removeprefix(YEAR_PREFIX),
            "last": year_columns[-1].removeprefix(YEAR_PREFIX),
            "suppressed": int(suppressed.sum()),
        }
    )
    if len(vo):
        summary.notes.append(
            _(
                "VO: %(rows)s tellingen %(first)s–%(last)s, waarvan %(vavo)s leerlingen "
                "uitbesteed aan vavo."
            )
            % {
                "rows": len(vo),
                "first": int(vo["year"].min()),
                "last": int(vo["year"].max()),
                "vavo": int(vo["vavo"].sum()),
            }
        )
    return summary
