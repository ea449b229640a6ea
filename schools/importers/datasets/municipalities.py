"""CBS municipalities with their number of inhabitants, and the former municipalities of 2021.

Inhabitants come from CBS on 1 January 2026 (``cbs-inwoners-gemeenten-2026.csv``). That file
lacks Hilversum and Wijdemeren (they held no council election in March 2026, the reason the
file was made); they keep their figure from the older compilation (``gemeenten-inwoners.csv``,
CBS via Wikidata, date unknown), stored with that source and no date.
"""

import datetime
from pathlib import Path

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from municipalities.models import FormerMunicipality, Municipality
from schools.importers.base import (
    ReferenceDataError,
    Summary,
    cell_error,
    read_table,
    require_filled,
    require_pattern,
    require_unique,
    sync_rows,
)
from schools.importers.datasets.common import int_or_none

COMPARED = ("name", "province", "inhabitants", "inhabitants_source", "inhabitants_date")


# How the figures are labelled on every page and PDF ("Bron: CBS, 1 jan. 2026").
INHABITANTS_SOURCE = "CBS"
OLDER_INHABITANTS_SOURCE = "CBS (via Wikidata)"


def _inhabitants(path: Path, codes: set[str]) -> dict[str, tuple[int, datetime.date]]:
    """CBS population on its peildatum per municipality; the Caribbean public bodies skipped."""
    label = path.name
    frame = read_table(
        path,
        sep=",",
        columns=["gm_code", "inwoners", "peildatum", "caribisch_nederland"],
        label=label,
    )
    frame["gm_code"] = frame["gm_code"].str.upper()
    # Bonaire, Sint Eustatius and Saba (GM9001-GM9003) are no municipalities of the NPO.
    frame = frame[frame["caribisch_nederland"].str.lower() != "ja"]
    require_unique(frame, ["gm_code"], label, "gm_code")
    require_pattern(frame, "inwoners", r"[0-9]+", label, _("aantal inwoners"))
    require_pattern(frame, "peildatum", r"[0-9]{4}-[0-9]{2}-[0-9]{2}", label, _("datum"))
    _require_known(frame, codes, label)
    result = {}
    for row in frame.itertuples():
        try:
            date = datetime.date.fromisoformat(row.peildatum)
        except ValueError:
            raise cell_error(
                label,
                row.Index,
                "peildatum",
                _("'%(value)s' is geen geldige datum.") % {"value": row.peildatum},
            ) from None
        result[row.gm_code] = (int(row.inwoners), date)
    return result


def _require_known(frame, codes: set[str], label: str) -> None:
    unknown = frame.index[~frame["gm_code"].isin(codes)]
    if len(unknown):
        raise cell_error(
            label,
            unknown[0],
            "gm_code",
            _("onbekende gemeentecode '%(code)s' (niet in de CBS-lijst).")
            % {"code": frame.at[unknown[0], "gm_code"]},
        )


def load_municipalities(
    *, cbs_path: Path, inhabitants_path: Path, older_inhabitants_path: Path
) -> Summary:
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
    codes = set(cbs["GemeentecodeGM"])

    current = _inhabitants(inhabitants_path, codes)
    older_label = older_inhabitants_path.name
    older = read_table(
        older_inhabitants_path, sep=",", columns=["gm_code", "inwoners"], label=older_label
    )
    older["gm_code"] = older["gm_code"].str.upper()
    require_unique(older, ["gm_code"], older_label, "gm_code")
    require_pattern(older, "inwoners", r"[0-9]*", older_label, _("aantal inwoners"))
    _require_known(older, codes, older_label)
    fallback = dict(zip(older["gm_code"], older["inwoners"], strict=True))

    def inhabitants_of(code: str) -> dict:
        if code in current:
            number, date = current[code]
            return {
                "inhabitants": number,
                "inhabitants_source": INHABITANTS_SOURCE,
                "inhabitants_date": date,
            }
        number = int_or_none(fallback.get(code, ""))
        return {
            "inhabitants": number,
            "inhabitants_source": OLDER_INHABITANTS_SOURCE if number is not None else "",
            "inhabitants_date": None,
        }

    desired = {
        (row.GemeentecodeGM,): {
            "name": row.Gemeentenaam,
            "province": row.Provincienaam,
            **inhabitants_of(row.GemeentecodeGM),
        }
        for row in cbs.itertuples()
    }
    existing = list(Municipality.objects.values("pk", "cbs_code", "slug", *COMPARED))
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
        elif any(row[f] != values[f] for f in COMPARED):
            to_update.append(Municipality(pk=row["pk"], cbs_code=code, **values))
        else:
            unchanged += 1
    Municipality.objects.bulk_create(to_create)
    Municipality.objects.bulk_update(to_update, list(COMPARED))
    summary.added, summary.updated, summary.unchanged = len(to_create), len(to_update), unchanged
    missing = set(by_code) - {code for (code,) in desired}
    if missing:
        summary.notes.append(
            ngettext(
                "%(count)s gemeente staat niet (meer) in de CBS-lijst en blijft ongewijzigd.",
                "%(count)s gemeenten staan niet (meer) in de CBS-lijst en blijven ongewijzigd.",
                len(missing),
            )
            % {"count": len(missing)}
        )
    no_inhabitants = sum(1 for v in desired.values() if v["inhabitants"] is None)
    if no_inhabitants:
        summary.notes.append(
            ngettext(
                "%(count)s gemeente zonder inwonertal.",
                "%(count)s gemeenten zonder inwonertal.",
                no_inhabitants,
            )
            % {"count": no_inhabitants}
        )
    undated = sorted(
        values["name"]
        for values in desired.values()
        if values["inhabitants"] is not None and values["inhabitants_date"] is None
    )
    if undated:
        summary.notes.append(
            _("%(names)s: niet in %(file)s; inwonertal uit %(older)s (datum onbekend).")
            % {"names": ", ".join(undated), "file": inhabitants_path.name, "older": older_label}
        )
    return summary


def load_former_municipalities(*, division_2021_path: Path, mergers_path: Path) -> Summary:
    """The municipalities of 2021 that merged into a current one, from the reviewed table.

    Refuses a table that misses a code of the 2021 division that is no current municipality,
    names a predecessor that is not in the 2021 list (or under another name), or a successor
    that is not a current municipality.
    """
    summary = Summary(_("Herindelingen 2021–2023"))
    label_2021 = division_2021_path.name
    division = read_table(
        division_2021_path, sep=",", columns=["GemeentecodeGM", "Gemeentenaam"], label=label_2021
    )
    require_pattern(division, "GemeentecodeGM", r"GM[0-9]{4}", label_2021, _("CBS-gemeentecode"))
    require_unique(division, ["GemeentecodeGM"], label_2021, "GemeentecodeGM")
    names_2021 = dict(zip(division["GemeentecodeGM"], division["Gemeentenaam"], strict=True))

    label = mergers_path.name
    columns = ["voorganger_code", "voorganger_naam", "opvolger_code", "datum_herindeling"]
    table = read_table(mergers_path, sep=",", columns=columns, label=label)
    for column in ("voorganger_code", "opvolger_code"):
        require_pattern(table, column, r"GM[0-9]{4}", label, _("CBS-gemeentecode"))
    require_pattern(table, "datum_herindeling", r"20[0-9]{2}-[0-9]{2}-[0-9]{2}", label, _("datum"))
    require_unique(table, ["voorganger_code"], label, "voorganger_code")
    current = dict(Municipality.objects.values_list("cbs_code", "pk"))
    for row in table.itertuples():
        if row.voorganger_code not in names_2021:
            raise cell_error(
                label,
                row.Index,
                "voorganger_code",
                _("'%(code)s' staat niet in de gemeentelijke indeling 2021 (%(file)s).")
                % {"code": row.voorganger_code, "file": label_2021},
            )
        if names_2021[row.voorganger_code] != row.voorganger_naam:
            raise cell_error(
                label,
                row.Index,
                "voorganger_naam",
                _("'%(name)s' heet in %(file)s '%(official)s'.")
                % {
                    "name": row.voorganger_naam,
                    "file": label_2021,
                    "official": names_2021[row.voorganger_code],
                },
            )
        if row.voorganger_code in current:
            raise cell_error(
                label,
                row.Index,
                "voorganger_code",
                _("'%(code)s' is nog een bestaande gemeente en kan niet opgeheven zijn.")
                % {"code": row.voorganger_code},
            )
        if row.opvolger_code not in current:
            raise cell_error(
                label,
                row.Index,
                "opvolger_code",
                _("'%(code)s' is geen bestaande gemeente; laad eerst de CBS-gemeentelijst.")
                % {"code": row.opvolger_code},
            )
    gone = sorted(set(names_2021) - set(current) - set(table["voorganger_code"]))
    if gone:
        raise ReferenceDataError(
            ngettext(
                "%(file)s: de gemeente %(codes)s uit %(file_2021)s bestaat niet meer, maar "
                "staat niet in de tabel: vul haar opvolger aan.",
                "%(file)s: de gemeenten %(codes)s uit %(file_2021)s bestaan niet meer, maar "
                "staan niet in de tabel: vul hun opvolger aan.",
                len(gone),
            )
            % {"file": label, "codes": ", ".join(gone), "file_2021": label_2021}
        )
    desired = {
        (row.voorganger_code,): {
            "name": row.voorganger_naam,
            "successor_id": current[row.opvolger_code],
            "merged_on": datetime.date.fromisoformat(row.datum_herindeling),
        }
        for row in table.itertuples()
    }
    plan = sync_rows(
        model=FormerMunicipality,
        key_fields=("cbs_code",),
        fields=("name", "successor_id", "merged_on"),
        desired=desired,
        existing=FormerMunicipality.objects.values(
            "pk", "cbs_code", "name", "successor_id", "merged_on"
        ),
    )
    summary.added, summary.updated, summary.unchanged = (
        plan.added,
        plan.updated,
        plan.unchanged,
    )
    return summary
