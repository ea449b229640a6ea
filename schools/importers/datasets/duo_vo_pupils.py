"""DUO's VO pupils per location, one file per count date ("03. Leerlingen vo per vestiging en
bestuur (vavo apart)", ``duo-leerlingen-vo-YYYY.csv``, 1 October 2017–2022).

Each file's quirks, as published: the year is only in the file name; 2020 is UTF-8 with BOM,
the other years Windows-1252 (``decode`` takes both); the 2022 copy lost the leading zeros of
``GEMEENTENUMMER``; the municipality is the one valid when DUO published the file (the 2020
file uses the division of 2021), so codes of merged municipalities are mapped to their
successor through the reviewed merger table. ``TOTAAL AANTAL LEERLINGEN`` (pupils taught at
the location plus those placed with vavo) is what counts, for the NPO too.
"""

import re
from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _

from schools.importers.base import (
    ReferenceDataError,
    cell_error,
    read_once,
    read_table,
    require_columns,
    require_pattern,
    require_unique,
)
from schools.importers.datasets.common import VESTIGINGSCODE

BOARD = "BEVOEGD GEZAG NUMMER"
BRIN = "BRIN NUMMER"
CODE = "VESTIGINGSNUMMER"
NAME = "INSTELLINGSNAAM VESTIGING"
CITY = "PLAATSNAAM"
MUNICIPALITY = "GEMEENTENUMMER"
TAUGHT = "AANTAL LEERLINGEN"
VAVO = "AANTAL VO LEERLINGEN UITBESTEED AAN VAVO"
TOTAL = "TOTAAL AANTAL LEERLINGEN"
COLUMNS = [BOARD, BRIN, CODE, NAME, CITY, MUNICIPALITY, TAUGHT, VAVO, TOTAL]
# DUO's newer files (2024 on) name the location columns as the address files do.
ALIASES = {"INSTELLINGSCODE": BRIN, "VESTIGINGSCODE": CODE}


def file_year(path: Path) -> int:
    """The count year from the file name (``...-2020.csv``, also ``...-2022 .csv``)."""
    years = re.findall(r"(?<![0-9])(20[0-9]{2})(?![0-9])", path.stem)
    if len(set(years)) != 1:
        raise ReferenceDataError(
            _(
                "%(file)s: het jaar van de telling (1 oktober) moet in de bestandsnaam staan, "
                "bijvoorbeeld leerlingen-vo-2020.csv."
            )
            % {"file": path.name}
        )
    return int(years[0])


def read_vo_pupils(paths: list[Path]) -> pd.DataFrame:
    """All files stacked: one row per location and year, with ``year``, ``file``, ``line``.

    Municipality codes are returned as ``gm`` (``GM`` + four digits, as in the file's year).
    Parsed once per load (see ``read_once``).
    """
    return read_once(("vo_pupils", *map(Path, paths)), lambda: _read_vo_pupils(paths))


def _read_vo_pupils(paths: list[Path]) -> pd.DataFrame:
    frames = []
    seen: dict[int, str] = {}
    for path in paths:
        label = path.name
        year = file_year(path)
        if year in seen:
            raise ReferenceDataError(
                _("%(file)s: het jaar %(year)s staat ook al in %(other)s.")
                % {"file": label, "year": year, "other": seen[year]}
            )
        seen[year] = label
        frame = read_table(path, sep=";", columns=[], label=label)
        frame = frame.rename(columns={k: v for k, v in ALIASES.items() if v not in frame})
        require_columns(frame, COLUMNS, label)
        require_pattern(frame, CODE, VESTIGINGSCODE, label, _("vestigingscode"))
        require_unique(frame, [CODE], label, CODE)
        require_pattern(frame, MUNICIPALITY, r"[0-9]{1,4}", label, _("gemeentecode"))
        for column in (TAUGHT, VAVO, TOTAL):
            require_pattern(frame, column, r"[0-9]+", label, _("aantal leerlingen"))
        taught, vavo, total = (frame[c].astype(int) for c in (TAUGHT, VAVO, TOTAL))
        wrong = frame.index[taught + vavo != total]
        if len(wrong):
            row = wrong[0]
            raise cell_error(
                label,
                row,
                TOTAL,
                _("%(total)s is niet de som van %(taught)s leerlingen en %(vavo)s bij vavo.")
                % {
                    "total": frame.at[row, TOTAL],
                    "taught": frame.at[row, TAUGHT],
                    "vavo": frame.at[row, VAVO],
                },
            )
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "file": label,
                    "line": frame.index + 2,
                    "code": frame[CODE],
                    "brin": frame[BRIN],
                    "board": frame[BOARD],
                    "name": frame[NAME],
                    "city": frame[CITY],
                    # The 2022 copy went through Excel: "60" is GM0060.
                    "gm": "GM" + frame[MUNICIPALITY].str.zfill(4),
                    "vavo": vavo,
                    "total": total,
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            columns=["year", "file", "line", "code", "brin", "board", "name", "city", "gm"]
        )
    return pd.concat(frames, ignore_index=True).sort_values(["year", "code"], kind="stable")


def map_municipalities(
    frame: pd.DataFrame, *, current: dict[str, int], successors: dict[str, str]
) -> pd.Series:
    """The current municipality id of each row: its code, or its successor's after a merger.

    Refuses a code that is neither current nor in the merger table, naming file and line.
    """
    codes = frame["gm"].map(lambda code: successors.get(code, code))
    ids = codes.map(current)
    unknown = ids.isna()
    if unknown.any():
        row = frame[unknown].iloc[0]
        raise ReferenceDataError(
            _(
                "%(file)s, regel %(line)s, kolom '%(column)s': gemeentecode %(code)s is geen "
                "bestaande gemeente en staat niet in de tabel met herindelingen."
            )
            % {"file": row["file"], "line": row["line"], "column": MUNICIPALITY, "code": row["gm"]}
        )
    return ids.astype(int)
