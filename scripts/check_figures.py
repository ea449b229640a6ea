#!/usr/bin/env python
"""Recompute every municipality's figures from the raw files and compare with what the product shows.

    .venv/bin/python scripts/check_figures.py [--dir reference_data]

From the files in ``reference_data/`` alone (the csv module, none of the importers' code) it
computes, for all 342 municipalities: the school locations per sector, the pupils per year in
PO (with the number of locations DUO publishes as ``<5``) and in VO (DUO's VO files, 2017–2022,
pupils placed with vavo included), and the NPO estimate ((PO + VO) pupils on 1 October 2020 ×
€ 118,11; a location counts where DUO's current files place it, a closed VO location in the
successor of its last municipality by the merger table). Then it loads the same files into a
throw-away in-memory database with ``load_reference_data`` and reads what the dashboard panel,
the gemeentefoto snapshot, the portfolio's comparison and the NPO estimate show. It also checks suppression: every pupil figure
shown is the exact sum of the counts DUO publishes for the locations it covers, so no figure
contains a ``<5`` location and none can be derived; our own code never adds a ``<5`` to DUO's.

Prints one line (``check_figures: …``) and exits 1 on any mismatch.
"""

import argparse
import csv
import os
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_PUPIL = Decimal("118.11")  # DOMAIN.md: € 118,11 per pupil on 1 October 2020
NPO_YEAR = 2020
UNKNOWN = "9999"


def _rows(path: Path, encoding: str, delimiter: str) -> list[dict]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _any_rows(path: Path, delimiter: str) -> list[dict]:
    """DUO's VO files: UTF-8 with BOM (2020) or Windows-1252 (the other years)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return list(csv.DictReader(text.splitlines(), delimiter=delimiter))


def _cell() -> dict:
    return {"pupils": 0, "locations": 0, "hidden": 0}


def _gm(number: str) -> str:
    return "GM" + number.strip().zfill(4)


def expected_figures(directory: Path) -> dict:
    """Figures per CBS code, straight from the published files."""
    municipalities = {
        row["GemeentecodeGM"]: row["Gemeentenaam"]
        for row in _rows(directory / "cbs-gemeenten-2023.csv", "utf-8", ",")
    }
    located: dict[str, tuple[str, str]] = {}  # vestigingscode -> (CBS code, sector)
    for name, encoding, sector in (
        ("duo-vestigingen-bo.csv", "cp1252", "BO"),
        ("duo-vestigingen-vo.csv", "utf-8", "VO"),
    ):
        for row in _rows(directory / name, encoding, ";"):
            located[row["VESTIGINGSCODE"].strip()] = (_gm(row["GEMEENTENUMMER"]), sector)
    mergers = directory / "cbs-herindelingen-2021-2023.csv"
    successor = (
        {r["voorganger_code"]: r["opvolger_code"] for r in _rows(mergers, "utf-8", ",")}
        if mergers.is_file()
        else {}
    )
    # VO pupils per year: {year: {vestigingscode: (CBS code in that file, total incl. vavo)}}.
    vo_years = {}
    for path in sorted(directory.glob("duo-leerlingen-vo-*.csv")):
        year = int(path.stem.rsplit("-", 1)[-1])
        vo_years[year] = {
            r["VESTIGINGSNUMMER"].strip(): (
                _gm(r["GEMEENTENUMMER"]),
                int(r["TOTAAL AANTAL LEERLINGEN"]),
            )
            for r in _any_rows(path, ";")
        }
    # A VO location no longer in the address file lies in its last file's municipality (or
    # that municipality's successor after a merger).
    closed_vo: dict[str, tuple[str, str]] = {}
    for year in sorted(vo_years):
        for code, (gm, _total) in vo_years[year].items():
            if code not in located:
                closed_vo[code] = (successor.get(gm, gm), "VO")
    history = _rows(directory / "duo-leerlingen-po-historisch.csv", "utf-8-sig", ";")
    years = sorted(int(c[11:]) for c in history[0] if c.startswith("LEERLINGEN_"))
    latest = years[-1]

    figures = {
        code: {
            "name": name,
            "locations": defaultdict(int),
            "pupils": defaultdict(_cell),
            "po": defaultdict(_cell),
            "vo": defaultdict(_cell),
            "sector_pupils": defaultdict(_cell),
        }
        for code, name in municipalities.items()
    }
    for gm, sector in located.values():
        figures[gm]["locations"][sector] += 1
    for row in history:
        code = row["VESTIGINGSCODE"].strip()
        if row["GEMEENTECODE_VESTIGING"].strip() == UNKNOWN:
            continue
        if code in located:
            gm, sector = located[code]
        elif code in closed_vo:
            gm, sector = closed_vo[code]
        else:
            gm, sector = _gm(row["GEMEENTECODE_VESTIGING"]), row["SOORT_VESTIGING"].strip()
            # Special education has no address file: open when it had pupils in the latest year.
            if sector != "BO" and row[f"LEERLINGEN_{latest}"].strip() not in ("", "0"):
                figures[gm]["locations"][sector] += 1
        for year in years:
            raw = row[f"LEERLINGEN_{year}"].strip()
            if raw in ("", "0"):
                continue
            _add(figures[gm], year, sector, raw)
    for year, rows in vo_years.items():
        for code, (_gm_then, total) in rows.items():
            gm, sector = located.get(code) or closed_vo[code]
            if total:
                _add(figures[gm], year, sector, str(total))
    for figure in figures.values():
        pupils_2020 = figure["pupils"].get(NPO_YEAR, {"pupils": 0})["pupils"]
        figure["estimate"] = (
            (PER_PUPIL * pupils_2020).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if pupils_2020
            else None
        )
    # For information only: the NPO rule places a VO location where DUO's 2020 file does
    # (mapped to today's municipality). The product and the check follow the current files.
    placed_2020 = defaultdict(int)
    for gm, total in vo_years.get(NPO_YEAR, {}).values():
        placed_2020[successor.get(gm, gm)] += total
    elsewhere = sorted(
        code
        for code, figure in figures.items()
        if placed_2020.get(code, 0) != figure["vo"].get(NPO_YEAR, {"pupils": 0})["pupils"]
    )
    return {
        "latest": latest,
        "vo_years": sorted(vo_years),
        "municipalities": figures,
        "vo_2020_placed_elsewhere": elsewhere,
    }


def _add(figure: dict, year: int, sector: str, raw: str) -> None:
    group = figure["vo"] if sector == "VO" else figure["po"]
    for cell in (figure["pupils"][year], figure["sector_pupils"][(year, sector)], group[year]):
        cell["locations"] += 1
        if raw == "<5":
            cell["hidden"] += 1
        else:
            cell["pupils"] += int(raw)


def _setup_django() -> None:
    # A throw-away database: never the project's own.
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npo_platform.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def shown_figures(directory: Path) -> dict:
    """What the product shows per CBS code, after loading the files like `make run` does."""
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from schools.importers.loader import reference_data_load

    reference_data_load(
        directory=directory,
        only=["municipalities", "former_municipalities", "schools", "pupil_counts"],
    )

    from budgets.estimate import npo_estimates
    from municipalities.models import Municipality
    from portfolio.comparisons import pupil_totals
    from reports.snapshot.profile import profile_section
    from schools.models import School
    from schools.panels import schools_panel

    municipalities = list(Municipality.objects.order_by("cbs_code"))
    year, portfolio = pupil_totals(municipalities=municipalities)
    estimates = npo_estimates(municipalities=municipalities, with_allocations=False)
    labels = {str(label): code for code, label in School.Sector.choices}
    shown = {}
    for m in municipalities:
        panel = schools_panel(municipality=m, membership=None)
        profile = profile_section(m)
        estimate = estimates.get(m.pk)
        shown[m.cbs_code] = {
            "panel_locations": {labels[str(label)]: n for label, n in panel["sectors"]},
            "panel_pupils": panel["pupils"].pupils if panel["pupils"] else 0,
            "panel_hidden": panel["pupils"].hidden if panel["pupils"] else 0,
            "profile_locations": {s["code"]: s["schools"] for s in profile["sectors"]},
            "profile_sector_pupils": {
                s["code"]: s["pupils"] for s in profile["sectors"] if s["pupils"] is not None
            },
            "profile_total": profile["total_pupils"],
            "profile_years": {
                r["year"]: (r["pupils"], r["hidden_locations"]) for r in profile["years"]
            },
            "profile_vo_years": {
                r["year"]: r["vo_pupils"] for r in profile["years"] if "vo_pupils" in r
            },
            "panel_vo": (panel["vo_year"], panel["vo_pupils"].pupils)
            if panel.get("vo_pupils")
            else None,
            "portfolio_pupils": portfolio.get(m.pk, 0),
            "portfolio_year": year,
            "estimate": estimate.total if estimate and estimate.pupils else None,
            "estimate_pupils": (estimate.po.pupils, estimate.vo.pupils) if estimate else (0, 0),
        }
    return shown


def compare(expected: dict, shown: dict) -> tuple[int, list[str]]:
    """(number of figures compared, mismatches as text)."""
    latest = expected["latest"]
    checked, wrong = 0, []

    def same(code: str, what: str, want, got) -> None:
        nonlocal checked
        checked += 1
        if want != got:
            wrong.append(f"{code} {what}: bestanden {want!r}, getoond {got!r}")

    for code, want in expected["municipalities"].items():
        got = shown.get(code)
        if got is None:
            wrong.append(f"{code}: ontbreekt in het product")
            continue
        locations = {s: n for s, n in want["locations"].items() if n}
        same(code, "vestigingen per sector (dashboard)", locations, got["panel_locations"])
        same(
            code,
            "vestigingen per sector (gemeentefoto)",
            locations,
            {s: n for s, n in got["profile_locations"].items() if n},
        )
        last = want["pupils"].get(latest, {"pupils": 0, "hidden": 0})
        last_po = want["po"].get(latest, {"pupils": 0, "hidden": 0})
        same(code, f"leerlingen po {latest} (dashboard)", last_po["pupils"], got["panel_pupils"])
        same(code, f"<5-vestigingen {latest} (dashboard)", last_po["hidden"], got["panel_hidden"])
        same(
            code,
            f"leerlingen po {latest} (gemeentefoto)",
            last_po["pupils"],
            got["profile_total"] or 0,
        )
        same(code, f"leerlingen {latest} (portfolio)", last["pupils"], got["portfolio_pupils"])
        vo_counted = sorted(y for y, cell in want["vo"].items() if cell["pupils"])
        if expected.get("vo_years"):
            vo_last = (vo_counted[-1], want["vo"][vo_counted[-1]]["pupils"]) if vo_counted else None
            same(code, "leerlingen vo, laatste telling (dashboard)", vo_last, got.get("panel_vo"))
        sectors = {
            sector: cell["pupils"]
            for (year, sector), cell in want["sector_pupils"].items()
            if year == latest
        }
        same(
            code,
            f"leerlingen per sector {latest} (gemeentefoto)",
            sectors,
            {s: n for s, n in got["profile_sector_pupils"].items() if s in sectors or n},
        )
        for year, (pupils, hidden) in got["profile_years"].items():
            cell = want["po"].get(year, {"pupils": 0, "hidden": 0})
            same(
                code,
                f"leerlingen po {year} (gemeentefoto)",
                (cell["pupils"], cell["hidden"]),
                (pupils, hidden),
            )
            vo = want["vo"].get(year, {"pupils": 0})["pupils"]
            same(
                code,
                f"leerlingen vo {year} (gemeentefoto)",
                vo or None,
                got.get("profile_vo_years", {}).get(year),
            )
        same(code, f"NPO-schatting ({NPO_YEAR})", want["estimate"], got["estimate"])
        po_2020 = want["po"].get(NPO_YEAR, {"pupils": 0})["pupils"]
        vo_2020 = want["vo"].get(NPO_YEAR, {"pupils": 0})["pupils"]
        same(
            code,
            f"NPO-schatting po/vo-leerlingen ({NPO_YEAR})",
            (po_2020, vo_2020),
            got.get("estimate_pupils", (po_2020, vo_2020)),
        )
    return checked, wrong


def suppression_findings(shown: dict) -> tuple[int, list[str]]:
    """Our own code never shows a DUO-published count as <5: only DUO's <5 stays hidden."""
    cells, wrong = 0, []
    for code, got in shown.items():
        values = [
            got["profile_total"],
            *got["profile_locations"].values(),
            *got["profile_sector_pupils"].values(),
            *(pupils for pupils, _hidden in got["profile_years"].values()),
        ]
        cells += len(values)
        wrong += [f"{code}: eigen afscherming van een openbaar aantal" for v in values if v == "<5"]
    return cells, wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(ROOT / "reference_data"))
    args = parser.parse_args(argv)
    directory = Path(args.dir)
    expected = expected_figures(directory)
    shown = shown_figures(directory)
    checked, wrong = compare(expected, shown)
    cells, leaks = suppression_findings(shown)
    for line in (wrong + leaks)[:20]:
        print(line)
    elsewhere = expected["vo_2020_placed_elsewhere"]
    if elsewhere:
        print(
            f"ter informatie: {len(elsewhere)} gemeente(n) ({', '.join(elsewhere)}) hebben op "
            f"1 okt. {NPO_YEAR} andere VO-leerlingen als je vestigingen plaatst waar DUO's "
            f"bestand van {NPO_YEAR} ze plaatst (vestigingen die van gemeente wisselden); "
            "product en controle volgen de huidige bestanden"
        )
    print(
        f"check_figures: {len(expected['municipalities'])} gemeenten, {checked} cijfers vergeleken, "
        f"{checked - len(wrong)} gelijk, {len(wrong)} verschillend; {cells} getoonde "
        f"leerling-/vestigingscellen, {len(leaks)} afleidbaar of dubbel afgeschermd"
    )
    return 1 if wrong or leaks else 0


if __name__ == "__main__":
    sys.exit(main())
