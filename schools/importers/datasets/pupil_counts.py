"""Pupil counts per location and year (1 October), from DUO's pupil history."""

from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _

from schools.importers.base import Summary, cell_error, sync_rows
from schools.importers.datasets.common import UNKNOWN_MUNICIPALITY_CODE
from schools.importers.datasets.duo_history import YEAR_PREFIX, read_history
from schools.models import PupilCount, School


def load_pupil_counts(*, history_path: Path, progress=None) -> Summary:
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
    # Long format in pandas: one row per location and year.
    long = history[["VESTIGINGSCODE", *year_columns]].melt(
        id_vars="VESTIGINGSCODE", var_name="column", value_name="raw"
    )
    long = long[long["raw"] != ""]
    school = long["VESTIGINGSCODE"].map(school_ids).to_numpy()
    year = long["column"].str.removeprefix(YEAR_PREFIX).astype(int).to_numpy()
    suppressed = (long["raw"] == "<5").to_numpy()
    count = pd.to_numeric(long["raw"].where(~suppressed), errors="coerce").to_numpy()
    desired = {
        (int(s), int(y)): {"count": None if sup else int(c), "suppressed": bool(sup)}
        for s, y, c, sup in zip(school, year, count, suppressed, strict=True)
    }
    existing = PupilCount.objects.values_list("pk", "school_id", "year", "count", "suppressed")
    plan = sync_rows(
        model=PupilCount,
        key_fields=("school_id", "year"),
        fields=("count", "suppressed"),
        desired=desired,
        existing=(
            {"pk": pk, "school_id": s, "year": y, "count": c, "suppressed": sup}
            for pk, s, y, c, sup in existing.iterator(chunk_size=20000)
        ),
        batch_size=5000,
        progress=progress,
        raw_insert=True,
    )
    summary.added, summary.updated, summary.unchanged = (
        len(plan.to_create),
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
    return summary
