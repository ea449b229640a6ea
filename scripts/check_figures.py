#!/usr/bin/env python
"""Recompute every municipality's figures from the raw files and compare with what the product shows.

    .venv/bin/python scripts/check_figures.py [--dir reference_data]

From the files in ``reference_data/`` alone (the csv module, none of the importers' code) it
computes, for all 342 municipalities: the school locations per sector, the pupils per year
(with the number of locations DUO publishes as ``<5``) and the NPO estimate (pupils on
1 October 2020 × € 118,11). Then it loads the same files into a throw-away in-memory database
with ``load_reference_data`` and reads what the dashboard panel, the gemeentefoto snapshot, the
portfolio's comparison and the NPO estimate show. It also checks suppression: every pupil figure
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
    history = _rows(directory / "duo-leerlingen-po-historisch.csv", "utf-8-sig", ";")
    years = sorted(int(c[11:]) for c in history[0] if c.startswith("LEERLINGEN_"))
    latest = years[-1]

    figures = {
        code: {
            "name": name,
            "locations": defaultdict(int),
            "pupils": defaultdict(lambda: {"pupils": 0, "locations": 0, "hidden": 0}),
            "sector_pupils": defaultdict(lambda: {"pupils": 0, "locations": 0, "hidden": 0}),
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
        else:
            gm, sector = _gm(row["GEMEENTECODE_VESTIGING"]), row["SOORT_VESTIGING"].strip()
            # Special education has no address file: open when it had pupils in the latest year.
            if sector != "BO" and row[f"LEERLINGEN_{latest}"].strip() not in ("", "0"):
                figures[gm]["locations"][sector] += 1
        for year in years:
            raw = row[f"LEERLINGEN_{year}"].strip()
            if raw in ("", "0"):
                continue
            for cell in (figures[gm]["pupils"][year], figures[gm]["sector_pupils"][(year, sector)]):
                cell["locations"] += 1
                if raw == "<5":
                    cell["hidden"] += 1
                else:
                    cell["pupils"] += int(raw)
    for figure in figures.values():
        pupils_2020 = figure["pupils"].get(NPO_YEAR, {"pupils": 0})["pupils"]
        figure["estimate"] = (
            (PER_PUPIL * pupils_2020).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if pupils_2020
            else None
        )
    return {"latest": latest, "municipalities": figures}


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

    reference_data_load(directory=directory, only=["municipalities", "schools", "pupil_counts"])

    from budgets.demo import npo_estimate
    from municipalities.models import Municipality
    from portfolio.comparisons import pupil_totals
    from reports.snapshot.profile import profile_section
    from schools.models import School
    from schools.panels import schools_panel

    municipalities = list(Municipality.objects.order_by("cbs_code"))
    year, portfolio = pupil_totals(municipalities=municipalities)
    labels = {str(label): code for code, label in School.Sector.choices}
    shown = {}
    for m in municipalities:
        panel = schools_panel(municipality=m, membership=None)
        profile = profile_section(m)
        estimate = npo_estimate(m)
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
            "portfolio_pupils": portfolio.get(m.pk, 0),
            "portfolio_year": year,
            "estimate": estimate[0] if estimate else None,
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
        same(code, f"leerlingen {latest} (dashboard)", last["pupils"], got["panel_pupils"])
        same(code, f"<5-vestigingen {latest} (dashboard)", last["hidden"], got["panel_hidden"])
        same(code, f"leerlingen {latest} (gemeentefoto)", last["pupils"], got["profile_total"] or 0)
        same(code, f"leerlingen {latest} (portfolio)", last["pupils"], got["portfolio_pupils"])
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
            cell = want["pupils"].get(year, {"pupils": 0, "hidden": 0})
            same(
                code,
                f"leerlingen {year} (gemeentefoto)",
                (cell["pupils"], cell["hidden"]),
                (
                    pupils,
                    hidden,
                ),
            )
        same(code, f"NPO-schatting ({NPO_YEAR})", want["estimate"], got["estimate"])
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
    print(
        f"check_figures: {len(expected['municipalities'])} gemeenten, {checked} cijfers vergeleken, "
        f"{checked - len(wrong)} gelijk, {len(wrong)} verschillend; {cells} getoonde "
        f"leerling-/vestigingscellen, {len(leaks)} afleidbaar of dubbel afgeschermd"
    )
    return 1 if wrong or leaks else 0


if __name__ == "__main__":
    sys.exit(main())
