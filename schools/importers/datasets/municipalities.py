"""CBS municipalities with their number of inhabitants."""

from pathlib import Path

from django.utils.text import slugify
from django.utils.translation import gettext as _

from municipalities.models import Municipality
from schools.importers.base import (
    Summary,
    cell_error,
    read_table,
    require_filled,
    require_pattern,
    require_unique,
)
from schools.importers.datasets.common import int_or_none


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
            "inhabitants": int_or_none(inhabitants.get(row.GemeentecodeGM, "")),
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
