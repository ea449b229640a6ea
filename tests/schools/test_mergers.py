"""The shipped merger table (reference_data/cbs-herindelingen-2021-2023.csv) against the CBS
divisions of 2021 and 2023 and against the VO locations of 1 October 2020."""

import csv
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "reference_data"


def rows(name: str, encoding: str = "utf-8", delimiter: str = ",") -> list[dict]:
    with (REFERENCE / name).open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_table_covers_exactly_the_codes_that_disappeared_between_2021_and_2023():
    division_2021 = {r["GemeentecodeGM"]: r["Gemeentenaam"] for r in rows("cbs-gemeenten-2021.csv")}
    division_2023 = {r["GemeentecodeGM"]: r["Gemeentenaam"] for r in rows("cbs-gemeenten-2023.csv")}
    table = rows("cbs-herindelingen-2021-2023.csv")

    predecessors = {r["voorganger_code"] for r in table}
    assert predecessors == set(division_2021) - set(division_2023)
    assert len(predecessors) == 14
    for r in table:
        assert division_2021[r["voorganger_code"]] == r["voorganger_naam"]
        assert division_2023[r["opvolger_code"]] == r["opvolger_naam"]
    # Every new code of 2023 is the successor of something.
    assert set(division_2023) - set(division_2021) <= {r["opvolger_code"] for r in table}


def test_vo_locations_of_2020_land_where_the_table_says():
    """Each VO location of 1 Oct 2020 (municipal division of 2021, as DUO published it) that is
    still in DUO's current address file lies in the table's successor of its 2020 municipality
    (or in the same municipality, when that did not merge)."""
    table = {
        r["voorganger_code"]: r["opvolger_code"] for r in rows("cbs-herindelingen-2021-2023.csv")
    }
    division_2021 = {r["GemeentecodeGM"] for r in rows("cbs-gemeenten-2021.csv")}
    current = {
        r["VESTIGINGSCODE"]: "GM" + r["GEMEENTENUMMER"].zfill(4)
        for r in rows("duo-vestigingen-vo.csv", delimiter=";")
    }
    vo_2020 = rows("duo-leerlingen-vo-2020.csv", encoding="utf-8-sig", delimiter=";")

    codes_2020 = {"GM" + r["GEMEENTENUMMER"].zfill(4) for r in vo_2020}
    assert codes_2020 <= division_2021  # all 293 codes are municipalities of 2021
    merged = [r for r in vo_2020 if "GM" + r["GEMEENTENUMMER"].zfill(4) in table]
    assert len(merged) >= 20  # the table is exercised: Weesp, Heerhugowaard, Uden, Boxmeer...
    moved = []
    for r in vo_2020:
        code = "GM" + r["GEMEENTENUMMER"].zfill(4)
        location = r["VESTIGINGSNUMMER"]
        if location in current and current[location] != table.get(code, code):
            moved.append(location)
    # Only Emmacollege's two locations, whose main and branch DUO swapped between Brunssum
    # and Heerlen (no merger): every merged municipality's location lands in its successor.
    assert sorted(moved) == ["05FJ00", "05FJ12"]
