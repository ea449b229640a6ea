"""One function per reference dataset: read and validate the file(s), then sync.

Each returns a :class:`Summary`. They expect to run inside a transaction (see ``loader``).
"""

from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from django.utils.text import slugify
from django.utils.translation import gettext as _

from municipalities.models import Municipality
from schools.importers.base import (
    ReferenceDataError,
    Summary,
    cell_error,
    read_table,
    require_columns,
    require_filled,
    require_pattern,
    require_unique,
    sync_rows,
)
from schools.models import Intervention, PupilCount, School, SchoolBoard, SchoolWeight

VESTIGINGSCODE = r"[0-9A-Z]{4}[0-9]{2}"
BRIN = r"[0-9A-Z]{4}"
# DUO's placeholder for locations whose municipality it does not know ("ONBEKEND").
UNKNOWN_MUNICIPALITY_CODE = "9999"
HISTORY_SECTORS = {choice.value for choice in School.Sector} - {School.Sector.VO}


def _gm(code: str) -> str:
    """CBS code with prefix from DUO's municipality number, which may have lost its zeros."""
    return "GM" + code.zfill(4) if code.isdigit() else code


def _int_or_none(value: str) -> int | None:
    return int(float(value)) if value else None


# --- municipalities ------------------------------------------------------------------------


def load_municipalities(*, cbs_path: Path, inhabitants_path: Path) -> Summary:
    summary = Summary(_("Gemeenten"))
    cbs_label = cbs_path.name
    cbs = read_table(
        cbs_path,
        sep=",",
        columns=["GemeentecodeGM", "Gemeentenaam", "Provincienaam"],
        label=cbs_label,
    )
    require_pattern(cbs, "GemeentecodeGM", r"GM[0-9]{4}", cbs_label, _("CBS-gemeentecode"))
    require_filled(cbs, "Gemeentenaam", cbs_label)
    require_unique(cbs, ["GemeentecodeGM"], cbs_label, "GemeentecodeGM")

    inh_label = inhabitants_path.name
    inh = read_table(inhabitants_path, sep=",", columns=["gm_code", "inwoners"], label=inh_label)
    inh["gm_code"] = inh["gm_code"].str.upper()
    require_unique(inh, ["gm_code"], inh_label, "gm_code")
    require_pattern(inh, "inwoners", r"[0-9]*", inh_label, _("aantal inwoners"))
    unknown = inh.index[~inh["gm_code"].isin(cbs["GemeentecodeGM"])]
    if len(unknown):
        raise cell_error(
            inh_label,
            unknown[0],
            "gm_code",
            _("onbekende gemeentecode '%(code)s' (niet in de CBS-lijst).")
            % {"code": inh.at[unknown[0], "gm_code"]},
        )
    inhabitants = dict(zip(inh["gm_code"], inh["inwoners"], strict=True))

    desired = {
        (row.GemeentecodeGM,): {
            "name": row.Gemeentenaam,
            "province": row.Provincienaam,
            "inhabitants": _int_or_none(inhabitants.get(row.GemeentecodeGM, "")),
        }
        for row in cbs.itertuples()
    }
    existing = list(
        Municipality.objects.values("pk", "cbs_code", "name", "province", "inhabitants", "slug")
    )
    # New municipalities get a slug from their CBS name; existing slugs (URLs) never change.
    slugs = {row["slug"] for row in existing}
    stored = {row["cbs_code"] for row in existing}
    for (code,), values in desired.items():
        if code in stored:
            continue
        slug = slugify(values["name"]) or code.lower()
        if slug in slugs:
            slug = f"{slug}-{code.lower()}"
        slugs.add(slug)
        values_with_slug = dict(values, slug=slug)
        desired[(code,)] = values_with_slug
    for row in existing:  # compare without the slug
        if (row["cbs_code"],) in desired:
            desired[(row["cbs_code"],)].pop("slug", None)

    to_create, to_update, unchanged = [], [], 0
    by_code = {row["cbs_code"]: row for row in existing}
    for (code,), values in desired.items():
        row = by_code.get(code)
        if row is None:
            to_create.append(Municipality(cbs_code=code, **values))
        elif any(row[f] != values[f] for f in ("name", "province", "inhabitants")):
            to_update.append(Municipality(pk=row["pk"], cbs_code=code, **values))
        else:
            unchanged += 1
    Municipality.objects.bulk_create(to_create)
    Municipality.objects.bulk_update(to_update, ["name", "province", "inhabitants"])
    summary.added, summary.updated, summary.unchanged = len(to_create), len(to_update), unchanged
    missing = set(by_code) - {code for (code,) in desired}
    if missing:
        summary.notes.append(
            _("%(count)s gemeente(n) staan niet (meer) in de CBS-lijst en blijven ongewijzigd.")
            % {"count": len(missing)}
        )
    no_inhabitants = sum(1 for v in desired.values() if v["inhabitants"] is None)
    if no_inhabitants:
        summary.notes.append(
            _("%(count)s gemeente(n) zonder inwonertal.") % {"count": no_inhabitants}
        )
    return summary


# --- schools and boards --------------------------------------------------------------------

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


def read_history(path: Path) -> tuple[pd.DataFrame, list[str]]:
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
    for column in year_columns:
        bad = frame.index[~frame[column].str.fullmatch(r"[0-9]*|<5")]
        if len(bad):
            raise cell_error(
                label,
                bad[0],
                column,
                _("'%(value)s' is geen aantal leerlingen (verwacht een getal of <5).")
                % {"value": frame.at[bad[0], column]},
            )
    return frame, sorted(year_columns)


def load_schools(*, bo_path: Path, vo_path: Path, history_path: Path) -> tuple[Summary, Summary]:
    """Schools from the BO and VO location files; SBO/SO/VSO from the pupil history."""
    schools_summary = Summary(_("Schoolvestigingen"))
    boards_summary = Summary(_("Schoolbesturen"))
    municipality_ids = dict(Municipality.objects.values_list("cbs_code", "pk"))

    bo = read_locations(bo_path, with_structure=False)
    vo = read_locations(vo_path, with_structure=True)
    history, year_columns = read_history(history_path)
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
    latest = year_columns[-1]
    only_history = history[~history["VESTIGINGSCODE"].isin({code for (code,) in desired})]
    skipped_unknown = int(only_history["gm"].isna().sum())
    only_history = only_history[only_history["gm"].notna()]
    for record in only_history.to_dict("records"):
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
    schools_summary.added = len(plan.to_create)
    schools_summary.updated = plan.updated
    schools_summary.unchanged = plan.unchanged
    schools_summary.deactivated = plan.deactivated
    schools_summary.notes.append(
        _(
            "%(bo)s BO-vestigingen, %(vo)s VO-vestigingen, %(other)s vestigingen (speciaal "
            "onderwijs en gesloten scholen) alleen uit het leerlingenoverzicht."
        )
        % {"bo": len(bo), "vo": len(vo), "other": len(only_history)}
    )
    if skipped_unknown:
        schools_summary.notes.append(
            _(
                "%(count)s vestiging(en) met DUO-gemeentecode 9999 (onbekend) overgeslagen; "
                "hun leerlingen tellen niet mee."
            )
            % {"count": skipped_unknown}
        )
    return boards_summary, schools_summary


# --- pupil counts --------------------------------------------------------------------------


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


# --- school weights ------------------------------------------------------------------------

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
            "pupils": _int_or_none(row.aantal_leerlingen),
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
        len(plan.to_create),
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


# --- NPO-menukaart -------------------------------------------------------------------------

MENUKAART_COLUMNS = [
    "versie",
    "bron_url",
    "doelgebied",
    "doelgebied_omschrijving",
    "interventie",
    "effect_maanden",
    "bewijs_vinkjes",
    "kosten_euros",
]


def load_interventions(*, menukaart_path: Path) -> Summary:
    summary = Summary(_("NPO-menukaart"))
    label = menukaart_path.name
    frame = read_table(menukaart_path, sep=",", columns=MENUKAART_COLUMNS, label=label)
    require_filled(frame, "versie", label)
    require_filled(frame, "interventie", label)
    require_pattern(frame, "doelgebied", r"[A-F]", label, _("doelgebied (A–F)"))
    require_pattern(frame, "effect_maanden", r"|[+-]?[0-9]+", label, _("aantal maanden"))
    require_pattern(frame, "bewijs_vinkjes", r"|[0-5]", label, _("bewijskracht (0–5)"))
    require_pattern(frame, "kosten_euros", r"|[1-5]", label, _("kostenindicatie (1–5)"))
    require_unique(frame, ["versie", "interventie"], label, "interventie")
    desired = {
        (row.versie, row.interventie[:200]): {
            "area": row.doelgebied,
            "area_description": row.doelgebied_omschrijving[:200],
            "effect_months": _int_or_none(row.effect_maanden),
            "evidence": _int_or_none(row.bewijs_vinkjes),
            "cost": _int_or_none(row.kosten_euros),
            "source_url": row.bron_url,
        }
        for row in frame.itertuples()
    }
    fields = ("area", "area_description", "effect_months", "evidence", "cost", "source_url")
    existing = list(Intervention.objects.values("pk", "version", "name", *fields))
    plan = sync_rows(
        model=Intervention,
        key_fields=("version", "name"),
        fields=fields,
        desired=desired,
        existing=existing,
    )
    summary.added, summary.updated, summary.unchanged = (
        len(plan.to_create),
        plan.updated,
        plan.unchanged,
    )
    gone = {(r["version"], r["name"]) for r in existing} - desired.keys()
    if gone:
        summary.notes.append(
            _(
                "%(count)s interventie(s) staan niet meer in het bestand; ze blijven bestaan "
                "omdat doelen ernaar kunnen verwijzen."
            )
            % {"count": len(gone)}
        )
    return summary
