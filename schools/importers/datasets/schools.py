"""School boards and locations: DUO's BO and VO location files, plus the pupil histories.

A location's place comes from the newest file that has it: the address files (open
locations), then DUO's VO pupil files of 2017–2022 (closed VO locations, in the municipality
of their latest file, mapped through the merger table), then the PO pupil history.
"""

from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from municipalities.models import FormerMunicipality, Municipality
from schools.importers.base import (
    Summary,
    cell_error,
    read_table,
    require_filled,
    require_pattern,
    require_unique,
    sync_rows,
)
from schools.importers.datasets.common import UNKNOWN_MUNICIPALITY_CODE, VESTIGINGSCODE
from schools.importers.datasets.duo_history import read_history
from schools.importers.datasets.duo_vo_pupils import map_municipalities, read_vo_pupils
from schools.models import School, SchoolBoard

LOCATION_COLUMNS = [
    "BEVOEGD GEZAG NUMMER",
    "INSTELLINGSCODE",
    "VESTIGINGSCODE",
    "VESTIGINGSNAAM",
    "STRAATNAAM",
    "HUISNUMMER-TOEVOEGING",
    "POSTCODE",
    "PLAATSNAAM",
    "GEMEENTENUMMER",
    "DENOMINATIE",
]


def _gm(code: str) -> str:
    """CBS code with prefix from DUO's municipality number, which may have lost its zeros."""
    return "GM" + code.zfill(4) if code.isdigit() else code


def _board_number(value: str) -> str | None:
    value = value.strip()
    if not value or not value.isdigit() or int(value) == 0:
        return None
    return str(int(value))


def _check_municipalities(frame, column, label, municipality_ids, skip_unknown=False):
    codes = frame[column].map(_gm)
    if skip_unknown:
        codes = codes.where(frame[column] != UNKNOWN_MUNICIPALITY_CODE)
    unknown = frame.index[codes.notna() & ~codes.isin(municipality_ids.keys())]
    if len(unknown):
        value = frame.at[unknown[0], column]
        raise cell_error(
            label,
            unknown[0],
            column,
            _("onbekende gemeentecode '%(value)s' (%(code)s); laad eerst de CBS-gemeentelijst.")
            % {"value": value, "code": _gm(value)},
        )
    return codes


def read_locations(path: Path, *, with_structure: bool) -> pd.DataFrame:
    label = path.name
    columns = [*LOCATION_COLUMNS, *(["ONDERWIJSSTRUCTUUR"] if with_structure else [])]
    frame = read_table(path, sep=";", columns=columns, label=label)
    require_pattern(frame, "VESTIGINGSCODE", VESTIGINGSCODE, label, _("vestigingscode"))
    require_unique(frame, ["VESTIGINGSCODE"], label, "VESTIGINGSCODE")
    require_filled(frame, "VESTIGINGSNAAM", label)
    require_pattern(frame, "GEMEENTENUMMER", r"[0-9]{1,4}", label, _("gemeentecode"))
    return frame[columns]  # fixed column order: the sync below reads rows by position


def load_schools(
    *, bo_path: Path, vo_path: Path, history_path: Path, vo_pupil_paths: list[Path]
) -> tuple[Summary, Summary]:
    """Schools from the BO and VO location files; closed VO locations from the VO pupil files;
    SBO/SO/VSO and closed PO locations from the pupil history."""
    schools_summary = Summary(_("Schoolvestigingen"))
    boards_summary = Summary(_("Schoolbesturen"))
    municipality_ids = dict(Municipality.objects.values_list("cbs_code", "pk"))

    bo = read_locations(bo_path, with_structure=False)
    vo = read_locations(vo_path, with_structure=True)
    history, year_columns = read_history(history_path)
    vo_pupils = read_vo_pupils(vo_pupil_paths)
    bo["gm"] = _check_municipalities(bo, "GEMEENTENUMMER", bo_path.name, municipality_ids)
    vo["gm"] = _check_municipalities(vo, "GEMEENTENUMMER", vo_path.name, municipality_ids)
    history["gm"] = _check_municipalities(
        history, "GEMEENTECODE_VESTIGING", history_path.name, municipality_ids, skip_unknown=True
    )
    both = bo.index[bo["VESTIGINGSCODE"].isin(vo["VESTIGINGSCODE"])]
    if len(both):
        raise cell_error(
            bo_path.name,
            both[0],
            "VESTIGINGSCODE",
            _("vestigingscode '%(code)s' staat ook in het VO-bestand %(other)s.")
            % {"code": bo.at[both[0], "VESTIGINGSCODE"], "other": vo_path.name},
        )

    # Boards: DUO's location files carry only the number; the name stays empty until known.
    numbers = set()
    for frame, column in (
        (bo, "BEVOEGD GEZAG NUMMER"),
        (vo, "BEVOEGD GEZAG NUMMER"),
        (history, "BEVOEGD_GEZAG_NUMMER"),
        (vo_pupils, "board"),
    ):
        numbers.update(n for n in map(_board_number, frame[column]) if n)
    existing_boards = set(SchoolBoard.objects.values_list("number", flat=True))
    new_boards = sorted(numbers - existing_boards)
    SchoolBoard.objects.bulk_create([SchoolBoard(number=n) for n in new_boards])
    boards_summary.added = len(new_boards)
    boards_summary.unchanged = len(numbers & existing_boards)
    board_ids = dict(SchoolBoard.objects.values_list("number", "pk"))

    desired: dict[tuple, dict] = {}
    for frame, sector in ((bo, School.Sector.BO), (vo, School.Sector.VO)):
        for row in frame.itertuples(index=False):
            number, toevoeging = row[4], row[5]
            desired[(row[2],)] = {
                "brin": row[1],
                "name": row[3][:200],
                "sector": sector,
                "onderwijsstructuur": row[10] if sector == School.Sector.VO else "",
                "denomination": row[9][:100],
                "board_id": board_ids.get(_board_number(row[0])),
                "street": f"{number} {toevoeging}".strip()[:200],
                "postcode": row[6][:7],
                "city": row[7][:100],
                "municipality_id": municipality_ids[row[-1]],
                "is_active": True,
            }
    # Closed VO locations: in DUO's VO pupil files, no longer in the address file.
    closed_vo = vo_pupils[~vo_pupils["code"].isin({code for (code,) in desired})]
    closed_vo = closed_vo.drop_duplicates("code", keep="last")  # sorted by year: the latest
    if len(closed_vo):
        closed_vo = closed_vo.assign(
            municipality_id=map_municipalities(
                closed_vo,
                current=municipality_ids,
                successors=dict(
                    FormerMunicipality.objects.values_list("cbs_code", "successor__cbs_code")
                ),
            )
        )
    for record in closed_vo.to_dict("records"):
        desired[(record["code"],)] = {
            "brin": record["brin"],
            "name": record["name"][:200],
            "sector": School.Sector.VO,
            "onderwijsstructuur": "",
            "denomination": "",
            "board_id": board_ids.get(_board_number(record["board"])),
            "street": "",
            "postcode": "",
            "city": record["city"][:100],
            "municipality_id": int(record["municipality_id"]),
            "is_active": False,
        }
    latest = year_columns[-1]
    only_history = history[~history["VESTIGINGSCODE"].isin({code for (code,) in desired})]
    skipped_unknown = int(only_history["gm"].isna().sum())
    only_history = only_history[only_history["gm"].notna()]
    used = [
        "VESTIGINGSCODE",
        "INSTELLINGSCODE",
        "NAAM_VESTIGING",
        "SOORT_VESTIGING",
        "DENOMINATIE_VESTIGING",
        "BEVOEGD_GEZAG_NUMMER",
        "gm",
        latest,
    ]
    # Only the columns read below: the thirty year columns would be boxed for nothing.
    for record in only_history[used].to_dict("records"):
        sector = record["SOORT_VESTIGING"]
        # Special education has no address file here: a location with pupils in the latest
        # count is active. Regular BO locations that are not in the BO file have closed.
        has_pupils = record[latest] not in ("", "0")
        desired[(record["VESTIGINGSCODE"],)] = {
            "brin": record["INSTELLINGSCODE"],
            "name": record["NAAM_VESTIGING"][:200],
            "sector": sector,
            "onderwijsstructuur": "",
            "denomination": record["DENOMINATIE_VESTIGING"][:100],
            "board_id": board_ids.get(_board_number(record["BEVOEGD_GEZAG_NUMMER"])),
            "street": "",
            "postcode": "",
            "city": "",
            "municipality_id": municipality_ids[record["gm"]],
            "is_active": sector != School.Sector.BO and has_pupils,
        }
    fields = (
        "brin",
        "name",
        "sector",
        "onderwijsstructuur",
        "denomination",
        "board_id",
        "street",
        "postcode",
        "city",
        "municipality_id",
        "is_active",
    )
    plan = sync_rows(
        model=School,
        key_fields=("vestigingscode",),
        fields=fields,
        desired=desired,
        existing=School.objects.values("pk", "vestigingscode", *fields),
        deactivate_missing=True,
    )
    schools_summary.added = plan.added
    schools_summary.updated = plan.updated
    schools_summary.unchanged = plan.unchanged
    schools_summary.deactivated = plan.deactivated
    schools_summary.notes.append(
        _(
            "%(bo)s BO-vestigingen, %(vo)s VO-vestigingen, %(closed_vo)s gesloten "
            "VO-vestigingen uit de VO-leerlingtellingen, %(other)s vestigingen (speciaal "
            "onderwijs en gesloten scholen) alleen uit het leerlingenoverzicht."
        )
        % {
            "bo": len(bo),
            "vo": len(vo),
            "closed_vo": len(closed_vo),
            "other": len(only_history),
        }
    )
    if skipped_unknown:
        schools_summary.notes.append(
            ngettext(
                "%(count)s vestiging met DUO-gemeentecode 9999 (onbekend) overgeslagen; "
                "haar leerlingen tellen niet mee.",
                "%(count)s vestigingen met DUO-gemeentecode 9999 (onbekend) overgeslagen; "
                "hun leerlingen tellen niet mee.",
                skipped_unknown,
            )
            % {"count": skipped_unknown}
        )
    return boards_summary, schools_summary
