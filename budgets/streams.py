"""The platform's standard funding streams (regelingen), shared by the data migration that
creates them and by ``funding_streams_ensure()`` (the demo seeder and tests that flush the
database need them back). Staff maintain the streams in the admin afterwards; ensuring never
overwrites their edits.

The NPO stream's window, amounts and school years come from ``core.npo`` (one definition for the
whole platform, following ../shared/DOMAIN.md). For the other streams the window is a starting
value: each municipality's beschikking is leading.
"""

import datetime

from core.money import format_money
from core.npo import (
    NPO_AMOUNT_PER_OAB_UNIT,
    NPO_AMOUNT_PER_PUPIL,
    NPO_OAB_SCORE_YEAR,
    NPO_PUPIL_COUNT_YEAR,
    NPO_SCHOOL_YEARS,
    NPO_WINDOW_END,
    NPO_WINDOW_START,
)

STREAMS = [
    {
        "code": "npo-gemeenten",
        "name": "NPO gemeenten",
        "description": (
            "Specifieke uitkering Nationaal Programma Onderwijs voor gemeenten: "
            f"{format_money(NPO_AMOUNT_PER_PUPIL)} per leerling op 1 oktober "
            f"{NPO_PUPIL_COUNT_YEAR} (po en vo) plus {format_money(NPO_AMOUNT_PER_OAB_UNIT)} per "
            f"eenheid onderwijsachterstandsscore ({NPO_OAB_SCORE_YEAR})."
        ),
        "period_kind": "schooljaar",
        "window_start": NPO_WINDOW_START,
        "window_end": NPO_WINDOW_END,
        "accountability": (
            "Verantwoording via SiSa (single information, single audit) in de jaarrekening. "
            f"Besteden in de schooljaren {NPO_SCHOOL_YEARS[0]} tot en met {NPO_SCHOOL_YEARS[-1]}; "
            "voorfinanciering mag. Overleg met schoolbesturen en kinderopvang over de besteding "
            "is verplicht."
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


# Streams whose beschikking ties money to a year: spending per period is checked against that
# period's allocation. OAB is granted and accounted for (SiSa) per calendar year. NPO is not
# here: its money may move between school years inside the window. Kept apart from STREAMS
# because the 0002 data migration seeds STREAMS before this field existed.
PER_PERIOD_CODES = frozenset({"oab"})


def funding_streams_ensure() -> int:
    """Create the standard streams that are missing (by code); returns how many were created."""
    from budgets.models import FundingStream

    created = 0
    for stream in STREAMS:
        _, was_created = FundingStream.objects.get_or_create(
            code=stream["code"],
            defaults={**stream, "money_per_period": stream["code"] in PER_PERIOD_CODES},
        )
        created += was_created
    return created
