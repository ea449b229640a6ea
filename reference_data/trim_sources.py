"""Rebuild the trimmed reference files in this folder from the published originals.

Usage: python reference_data/trim_sources.py <folder with the originals>

Only columns the importers use are kept; encoding, separator, line endings, `<5` and the
unpadded codes stay exactly as published so the importers are tested against the real format.
"""

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

# DUO "03. Leerlingen vo per vestiging en bestuur (vavo apart)": year (1 October) -> encoding.
VO_PUPIL_YEARS = {
    "2017": "cp1252",
    "2018": "cp1252",
    "2019": "cp1252",
    "2020": "utf-8-sig",
    "2021": "cp1252",
    "2022": "cp1252",
}

# (source path, target name, read options, columns kept, write options)
FILES = [
    (
        "cbs-gemeenten-2023/gemeenten-alfabetisch-2023.csv",
        "cbs-gemeenten-2023.csv",
        {"sep": ",", "encoding": "utf-8"},
        ["GemeentecodeGM", "Gemeentenaam", "Provincienaam"],
        {"sep": ",", "encoding": "utf-8", "lineterminator": "\n"},
    ),
    (
        "gemeenten-inwoners/gemeenten_inwoners.csv",
        "gemeenten-inwoners.csv",
        {"sep": ",", "encoding": "utf-8"},
        ["gm_code", "inwoners"],
        {"sep": ",", "encoding": "utf-8", "lineterminator": "\n"},
    ),
    (
        "duo-vestigingen-bo/02.-alle-schoolvestigingen-basisonderwijs.csv",
        "duo-vestigingen-bo.csv",
        {"sep": ";", "encoding": "cp1252"},
        [
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
        ],
        {"sep": ";", "encoding": "cp1252", "lineterminator": "\r\n"},
    ),
    (
        "duo-vestigingen-vo/02.-alle-vestigingen-vo.csv",
        "duo-vestigingen-vo.csv",
        {"sep": ";", "encoding": "utf-8"},
        [
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
            "ONDERWIJSSTRUCTUUR",
        ],
        {"sep": ";", "encoding": "utf-8", "lineterminator": "\n"},
    ),
    (
        "duo-bevoegde-gezagen-vo/03.-bevoegde-gezagen-vo.csv",
        "duo-bevoegde-gezagen-vo.csv",
        {"sep": ";", "encoding": "cp1252"},
        ["BEVOEGD GEZAG NUMMER", "BEVOEGD GEZAG NAAM"],
        {"sep": ";", "encoding": "cp1252", "lineterminator": "\r\n"},
    ),
    (
        "duo-leerlingen-po-historisch/06.-historisch-overzicht-aantal-leerlingen-per-schoolvestiging.csv",
        "duo-leerlingen-po-historisch.csv",
        {"sep": ";", "encoding": "utf-8-sig"},
        None,  # every column except the municipality name
        {"sep": ";", "encoding": "utf-8-sig", "lineterminator": "\r\n"},
    ),
    (
        "inspectie-schoolweging/schoolweging_per_schooljaar.csv",
        "inspectie-schoolweging.csv",
        {"sep": ",", "encoding": "utf-8"},
        ["OVT", "schooljaar", "schoolweging", "aantal_leerlingen", "spreiding"],
        {"sep": ",", "encoding": "utf-8", "lineterminator": "\n"},
    ),
    (
        "cbs-gemeenten-2021/gemeenten-alfabetisch-2021.csv",
        "cbs-gemeenten-2021.csv",
        {"sep": ",", "encoding": "utf-8"},
        ["GemeentecodeGM", "Gemeentenaam"],
        {"sep": ",", "encoding": "utf-8", "lineterminator": "\n"},
    ),
    (
        "cbs-inwoners-gemeenten-2026/inwoners_gemeenten_2026-01-01.csv",
        "cbs-inwoners-gemeenten-2026.csv",
        {"sep": ",", "encoding": "utf-8"},
        ["gm_code", "inwoners", "peildatum", "caribisch_nederland"],
        {"sep": ",", "encoding": "utf-8", "lineterminator": "\n"},
    ),
    *(
        (
            "duo-leerlingen-vo-per-vestiging/raw/"
            f"03-leerlingen-vo-per-vestiging-en-bestuur-vavo-apart-{year}.csv",
            f"duo-leerlingen-vo-{year}.csv",
            # Each year as published: 2020 is UTF-8 with BOM, the others Windows-1252; the 2022
            # copy lost the zeros of GEMEENTENUMMER (re-saved through Excel). Both stay.
            {"sep": ";", "encoding": encoding},
            [
                "BEVOEGD GEZAG NUMMER",
                "BRIN NUMMER",
                "VESTIGINGSNUMMER",
                "INSTELLINGSNAAM VESTIGING",
                "PLAATSNAAM",
                "GEMEENTENUMMER",
                "AANTAL LEERLINGEN",
                "AANTAL VO LEERLINGEN UITBESTEED AAN VAVO",
                "TOTAAL AANTAL LEERLINGEN",
            ],
            {"sep": ";", "encoding": encoding, "lineterminator": "\r\n"},
        )
        for year, encoding in VO_PUPIL_YEARS.items()
    ),
    (
        "npo-menukaart/npo_menukaart_interventies.csv",
        "npo-menukaart.csv",
        {"sep": ",", "encoding": "utf-8"},
        None,
        {"sep": ",", "encoding": "utf-8", "lineterminator": "\n"},
    ),
]


def main(source: Path) -> None:
    for rel, target, read, columns, write in FILES:
        frame = pd.read_csv(source / rel, dtype=str, keep_default_na=False, **read)
        if columns is None:
            columns = [c for c in frame.columns if c != "GEMEENTENAAM_VESTIGING"]
        frame[columns].to_csv(HERE / target, index=False, **write)
        print(f"{target}: {len(frame)} rijen, {len(columns)} kolommen")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
