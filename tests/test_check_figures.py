"""scripts/check_figures.py: its recomputation from the raw files, and that it reports mismatches.

CI runs the script itself over all 342 municipalities (``make check-figures``)."""

import importlib.util
from decimal import Decimal
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_figures.py"
spec = importlib.util.spec_from_file_location("check_figures", SCRIPT)
check_figures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_figures)

LOCATION_HEADER = (
    "BEVOEGD GEZAG NUMMER;INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;STRAATNAAM;"
    "HUISNUMMER-TOEVOEGING;POSTCODE;PLAATSNAAM;GEMEENTENUMMER;DENOMINATIE"
)


def _files(directory: Path) -> Path:
    (directory / "cbs-gemeenten-2023.csv").write_text(
        "GemeentecodeGM,Gemeentenaam,Provincienaam\nGM0014,Groningen,Groningen\n"
        "GM0363,Amsterdam,Noord-Holland\n",
        encoding="utf-8",
    )
    (directory / "duo-vestigingen-bo.csv").write_bytes(
        f"{LOCATION_HEADER}\r\n1;01AA;01AA00;Één;S;1;1000 AA;A;14;Openbaar\r\n".encode("cp1252")
    )
    (directory / "duo-vestigingen-vo.csv").write_text(
        f"{LOCATION_HEADER};ONDERWIJSSTRUCTUUR\n2;02BB;02BB00;VO;S;1;1000 AA;A;363;Openbaar;HAVO\n",
        encoding="utf-8",
    )
    head = (
        "INSTELLINGSCODE;VESTIGINGSCODE;NAAM_VESTIGING;SOORT_VESTIGING;DENOMINATIE_VESTIGING;"
        "BEVOEGD_GEZAG_NUMMER;GEMEENTECODE_VESTIGING;LEERLINGEN_2020;LEERLINGEN_2025"
    )
    rows = [
        "01AA;01AA00;Één;BO;Openbaar;1;14;300;250",  # open
        "03CC;03CC00;Dicht;BO;Openbaar;1;14;120;",  # closed since: its 2020 pupils still count
        "04DD;04DD00;Speciaal;SO;Openbaar;1;14;<5;40",  # special, open (pupils in 2025)
        "05EE;05EE00;Onbekend;BO;Openbaar;1;9999;50;",  # DUO municipality 9999: skipped
    ]
    (directory / "duo-leerlingen-po-historisch.csv").write_text(
        "\r\n".join([head, *rows]) + "\r\n", encoding="utf-8-sig"
    )
    (directory / "cbs-herindelingen-2021-2023.csv").write_text(
        "voorganger_code,voorganger_naam,opvolger_code,opvolger_naam,datum_herindeling\n"
        "GM0457,Weesp,GM0363,Amsterdam,2022-03-24\n",
        encoding="utf-8",
    )
    vo_head = (
        "BEVOEGD GEZAG NUMMER;BRIN NUMMER;VESTIGINGSNUMMER;INSTELLINGSNAAM VESTIGING;PLAATSNAAM;"
        "GEMEENTENUMMER;AANTAL LEERLINGEN;AANTAL VO LEERLINGEN UITBESTEED AAN VAVO;"
        "TOTAAL AANTAL LEERLINGEN"
    )
    # 2020: UTF-8 with BOM; a location in Weesp that closed (its pupils go to Amsterdam).
    (directory / "duo-leerlingen-vo-2020.csv").write_text(
        f"{vo_head}\r\n2;02BB;02BB00;VO;A;0363;900;10;910\r\n"
        "3;06FF;06FF00;Weesper Lyceum;WEESP;0457;200;0;200\r\n",
        encoding="utf-8-sig",
    )
    # 2022: Windows-1252, municipality numbers without their zeros.
    (directory / "duo-leerlingen-vo-2022.csv").write_bytes(
        f"{vo_head}\r\n2;02BB;02BB00;VO é;A;363;950;0;950\r\n".encode("cp1252")
    )
    return directory


def test_recomputes_from_the_raw_files(tmp_path):
    expected = check_figures.expected_figures(_files(tmp_path))
    assert expected["latest"] == 2025
    groningen = expected["municipalities"]["GM0014"]
    assert dict(groningen["locations"]) == {"BO": 1, "SO": 1}
    assert groningen["pupils"][2020] == {"pupils": 420, "locations": 3, "hidden": 1}
    assert groningen["pupils"][2025] == {"pupils": 290, "locations": 2, "hidden": 0}
    assert groningen["estimate"] == Decimal("420") * Decimal("118.11")
    assert groningen["po"][2020]["pupils"] == 420 and not groningen["vo"]
    amsterdam = expected["municipalities"]["GM0363"]
    assert dict(amsterdam["locations"]) == {"VO": 1}  # the closed Weesp location is not open
    # VO incl. vavo; the closed location of merged Weesp counts in Amsterdam.
    assert amsterdam["vo"][2020] == {"pupils": 1110, "locations": 2, "hidden": 0}
    assert amsterdam["vo"][2022] == {"pupils": 950, "locations": 1, "hidden": 0}
    assert amsterdam["estimate"] == Decimal("1110") * Decimal("118.11")
    assert expected["vo_years"] == [2020, 2022]


def _shown(**changes) -> dict:
    shown = {
        "panel_locations": {"BO": 1, "SO": 1},
        "panel_pupils": 290,
        "panel_hidden": 0,
        "profile_locations": {"BO": 1, "SO": 1},
        "profile_sector_pupils": {"BO": 250, "SO": 40},
        "profile_total": 290,
        "profile_years": {2020: (420, 1), 2025: (290, 0)},
        "portfolio_pupils": 290,
        "portfolio_year": 2025,
        "estimate": Decimal("420") * Decimal("118.11"),
        "estimate_pupils": (420, 0),
        "panel_vo": None,
        "profile_vo_years": {},
    }
    return shown | changes


def test_compare_counts_matches_and_names_each_mismatch(tmp_path):
    expected = check_figures.expected_figures(_files(tmp_path))
    amsterdam = {
        **_shown(),
        "panel_locations": {"VO": 1},
        "profile_locations": {"VO": 1},
        "profile_sector_pupils": {},
        "panel_pupils": 0,
        "profile_total": None,
        "profile_years": {2020: (0, 0)},
        "profile_vo_years": {2020: 1110},
        "panel_vo": (2022, 950),
        "portfolio_pupils": 0,
        "estimate": Decimal("1110") * Decimal("118.11"),
        "estimate_pupils": (0, 1110),
    }
    checked, wrong = check_figures.compare(expected, {"GM0014": _shown(), "GM0363": amsterdam})
    assert (checked, wrong) == (26, [])
    # An estimate without VO (the old PO-only estimate) and a VO history that lost a year are
    # caught.
    po_only = amsterdam | {"estimate_pupils": (0, 0), "profile_vo_years": {}}
    _checked, wrong = check_figures.compare(expected, {"GM0014": _shown(), "GM0363": po_only})
    assert wrong == [
        "GM0363 leerlingen vo 2020 (gemeentefoto): bestanden 1110, getoond None",
        "GM0363 NPO-schatting po/vo-leerlingen (2020): bestanden (0, 1110), getoond (0, 0)",
    ]
    # Counting only today's active locations (the old bug) is caught.
    old = _shown(profile_years={2020: (300, 1), 2025: (290, 0)}, portfolio_pupils=250)
    _checked, wrong = check_figures.compare(expected, {"GM0014": old, "GM0363": amsterdam})
    assert wrong == [
        "GM0014 leerlingen 2025 (portfolio): bestanden 290, getoond 250",
        "GM0014 leerlingen po 2020 (gemeentefoto): bestanden (420, 1), getoond (300, 1)",
    ]


def test_our_own_suppression_of_a_public_count_is_reported():
    cells, wrong = check_figures.suppression_findings({"GM0014": _shown(profile_total="<5")})
    assert cells == 7 and wrong == ["GM0014: eigen afscherming van een openbaar aantal"]
