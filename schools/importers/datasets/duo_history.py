"""DUO's pupil history per school location (``duo-leerlingen-po-historisch.csv``).

Both the schools (SBO/SO/VSO and closed locations exist only here) and the pupil counts are read
from it.
"""

from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _

from schools.importers.base import (
    ReferenceDataError,
    cell_error,
    read_once,
    read_table,
    require_pattern,
    require_unique,
)
from schools.importers.datasets.common import VESTIGINGSCODE
from schools.models import School

HISTORY_SECTORS = {choice.value for choice in School.Sector} - {School.Sector.VO}
HISTORY_COLUMNS = [
    "INSTELLINGSCODE",
    "VESTIGINGSCODE",
    "NAAM_VESTIGING",
    "SOORT_VESTIGING",
    "DENOMINATIE_VESTIGING",
    "BEVOEGD_GEZAG_NUMMER",
    "GEMEENTECODE_VESTIGING",
]
YEAR_PREFIX = "LEERLINGEN_"
COUNT = r"[0-9]*|<5"


def read_history(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """The checked history and its year columns (parsed once per load, see ``read_once``)."""
    return read_once(("history", Path(path)), lambda: _read_history(path))


def _read_history(path: Path) -> tuple[pd.DataFrame, list[str]]:
    label = path.name
    frame = read_table(path, sep=";", columns=HISTORY_COLUMNS, label=label)
    year_columns = [c for c in frame.columns if c.startswith(YEAR_PREFIX)]
    if not year_columns:
        raise ReferenceDataError(
            _("%(file)s, regel 1 (kopregel): geen kolommen '%(prefix)sJJJJ' gevonden.")
            % {"file": label, "prefix": YEAR_PREFIX}
        )
    for column in year_columns:
        if not column.removeprefix(YEAR_PREFIX).isdigit():
            raise ReferenceDataError(
                _("%(file)s, regel 1 (kopregel): kolom '%(column)s' heeft geen jaartal.")
                % {"file": label, "column": column}
            )
    require_pattern(frame, "VESTIGINGSCODE", VESTIGINGSCODE, label, _("vestigingscode"))
    require_unique(frame, ["VESTIGINGSCODE"], label, "VESTIGINGSCODE")
    require_pattern(frame, "GEMEENTECODE_VESTIGING", r"[0-9]{1,4}", label, _("gemeentecode"))
    bad_sector = frame.index[~frame["SOORT_VESTIGING"].isin(HISTORY_SECTORS)]
    if len(bad_sector):
        raise cell_error(
            label,
            bad_sector[0],
            "SOORT_VESTIGING",
            _("onbekende soort vestiging '%(value)s' (verwacht: %(options)s).")
            % {
                "value": frame.at[bad_sector[0], "SOORT_VESTIGING"],
                "options": ", ".join(sorted(HISTORY_SECTORS)),
            },
        )
    distinct = pd.Series(pd.unique(frame[year_columns].to_numpy().ravel()), dtype=object)
    if distinct.str.fullmatch(COUNT, na=False).all():
        return frame, sorted(year_columns)
    for column in year_columns:  # the first wrong cell, column by column as before
        bad = frame.index[~frame[column].str.fullmatch(COUNT)]
        if len(bad):
            raise cell_error(
                label,
                bad[0],
                column,
                _("'%(value)s' is geen aantal leerlingen (verwacht een getal of <5).")
                % {"value": frame.at[bad[0], column]},
            )
    return frame, sorted(year_columns)
