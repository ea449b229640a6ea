"""The platform's standard funding streams (regelingen), shared by the data migration that
creates them and by ``funding_streams_ensure()`` (the demo seeder and tests that flush the
database need them back). Staff maintain the streams in the admin afterwards; ensuring never
overwrites their edits.

Windows and accountability follow ../shared/DOMAIN.md for the NPO. For the other streams the
window is a starting value: each municipality's beschikking is leading.
"""

import datetime

STREAMS = [
    {
        "code": "npo-gemeenten",
        "name": "NPO gemeenten",
        "description": (
            "Specifieke uitkering Nationaal Programma Onderwijs voor gemeenten: € 118,11 per "
            "leerling op 1 oktober 2020 (po en vo) plus € 22,64 per eenheid "
            "onderwijsachterstandsscore (2022)."
        ),
        "period_kind": "schooljaar",
        "window_start": datetime.date(2021, 8, 1),
        "window_end": datetime.date(2025, 7, 31),
        "accountability": (
            "Verantwoording via SiSa (single information, single audit) in de jaarrekening. "
            "Besteden in de schooljaren 2021-2022 tot en met 2024-2025; voorfinanciering mag. "
            "Overleg met schoolbesturen en kinderopvang over de besteding is verplicht."
        ),
        "is_sisa": True,
        "sort_order": 10,
    },
    {
        "code": "jeugdwerkloosheid",
        "name": "Regionale aanpak jeugdwerkloosheid en kwetsbare schoolverlaters",
        "description": "Middelen voor de regionale aanpak van jeugdwerkloosheid, met aandacht voor kwetsbare schoolverlaters (RMC-regio).",
        "period_kind": "kalenderjaar",
        "window_start": datetime.date(2021, 1, 1),
        "window_end": datetime.date(2023, 12, 31),
        "accountability": (
            "Verantwoording volgens de beschikking van de regio (centrumgemeente); controleer de "
            "looptijd in de beschikking."
        ),
        "is_sisa": False,
        "sort_order": 20,
    },
    {
        "code": "jeugd-welbevinden",
        "name": "Jeugd: sociaal, fysiek en mentaal welbevinden",
        "description": "Middelen voor het sociaal, fysiek en mentaal welbevinden van jongeren.",
        "period_kind": "kalenderjaar",
        "window_start": datetime.date(2021, 1, 1),
        "window_end": datetime.date(2022, 12, 31),
        "accountability": (
            "Via het gemeentefonds: geen SiSa; verantwoording aan de raad in de jaarstukken. "
            "Controleer de looptijd in de circulaire."
        ),
        "is_sisa": False,
        "sort_order": 30,
    },
    {
        "code": "oab",
        "name": "Onderwijsachterstandenbeleid (OAB)",
        "description": "Specifieke uitkering onderwijsachterstandenbeleid (voor- en vroegschoolse educatie en meer).",
        "period_kind": "kalenderjaar",
        "window_start": datetime.date(2019, 1, 1),
        "window_end": datetime.date(2026, 12, 31),
        "accountability": "Verantwoording via SiSa in de jaarrekening, per kalenderjaar.",
        "is_sisa": True,
        "sort_order": 40,
    },
    {
        "code": "overig",
        "name": "Overig",
        "description": "Andere middelen, bijvoorbeeld eigen middelen van de gemeente.",
        "period_kind": "kalenderjaar",
        "window_start": None,
        "window_end": None,
        "accountability": "Afhankelijk van de regeling; leg de verantwoording vast bij de toekenning.",
        "is_sisa": False,
        "sort_order": 90,
    },
]


def funding_streams_ensure() -> int:
    """Create the standard streams that are missing (by code); returns how many were created."""
    from budgets.models import FundingStream

    created = 0
    for stream in STREAMS:
        _, was_created = FundingStream.objects.get_or_create(code=stream["code"], defaults=stream)
        created += was_created
    return created
