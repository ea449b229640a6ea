"""The platform's standard funding streams (regelingen), shared by the data migration that
creates them and by ``funding_streams_ensure()`` (the demo seeder and tests that flush the
database need them back). Staff maintain the streams in the admin afterwards; ensuring never
overwrites their edits.

The NPO stream's window, amounts and school years come from ``core.npo`` (one definition for the
whole platform, following ../shared/DOMAIN.md). For the other streams the window is a starting
value: each municipality's beschikking is leading. A window date that no official source confirms
is marked unverified (``STREAM_SOURCES``) rather than presented as fact.

Each stream may have its own spending categories (``STREAM_CATEGORIES``): the NPO the six of
its regulation, GOAB/OAB the purposes of its specific grant, School en Omgeving its own. This is
the one definition the spending-goal choices, the spending-goal form, the final accounting's
eligibility (closeout.selectors) and every page that shows a category label read.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from core.money import format_money
from core.npo import (
    NPO_AMOUNT_PER_OAB_UNIT,
    NPO_AMOUNT_PER_PUPIL,
    NPO_OAB_SCORE_YEAR,
    NPO_PUPIL_COUNT_YEAR,
    NPO_SCHOOL_YEARS,
    NPO_WINDOW_END,
    NPO_WINDOW_START,
    SpendingCategory,
)

NPO_CODE = "npo-gemeenten"
GOAB_CODE = "oab"  # the code stays: rows, exports and tests point at it
SCHOOL_EN_OMGEVING_CODE = "school-en-omgeving"

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
        "name": "Gemeentelijk onderwijsachterstandenbeleid (GOAB/OAB)",
        "description": (
            "Specifieke uitkering gemeentelijk onderwijsachterstandenbeleid: voorschoolse "
            "educatie, afspraken met schoolbesturen over vroegschoolse educatie, activiteiten voor "
            "leerlingen zoals schakelklassen en zomerscholen. De termijn heeft geen einddatum: in "
            "2026 wordt GOAB nog als specifieke uitkering betaald; de overgang naar het "
            "gemeentefonds vraagt een wetswijziging, op zijn vroegst in 2027 (bron: goab.eu). "
            "Vul de einddatum in zodra die vaststaat."
        ),
        "period_kind": "kalenderjaar",
        "window_start": datetime.date(2019, 1, 1),
        "window_end": None,
        "accountability": "Verantwoording via SiSa in de jaarrekening, per kalenderjaar.",
        "is_sisa": True,
        "sort_order": 40,
    },
    {
        "code": "school-en-omgeving",
        "name": "School en Omgeving",
        "description": (
            "Subsidie voor het programma School en Omgeving (regeling 2025–2028). De subsidie gaat "
            "naar het schoolbestuur als lid van een lokale coalitie waarin ook de gemeente zit; de "
            "gemeente ontvangt dit geld niet zelf. Vanaf 2029 gaat het programma samen met "
            "schoolmaaltijden en de brugfunctionaris."
        ),
        "period_kind": "kalenderjaar",
        "window_start": datetime.date(2025, 1, 1),
        "window_end": datetime.date(2028, 12, 31),
        "accountability": (
            "Geen SiSa: het schoolbestuur verantwoordt de subsidie volgens de regeling. Leg in "
            "de coalitie vast wat de gemeente bijdraagt."
        ),
        "is_sisa": False,
        "sort_order": 45,
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

# The official reference of each stream's regulation, and which window dates no official source
# confirms (DOMAIN.md: mark a date you cannot source as unverified rather than guess it). Kept
# apart from STREAMS for the same reason as PER_PERIOD_CODES: the 0002 data migration seeds
# STREAMS on a model without these fields.
#   * NPO: Staatscourant 2022-27531 (the 2022 amendment that set the end at 31 July 2025).
#   * GOAB/OAB: the Wet op het primair onderwijs; the start is the 2019 GOAB period (goab.eu),
#     the end is open (see the stream's description), which is not the same as unverified.
#   * School en Omgeving: Staatscourant 2023-18849, regulation 2025-2028; the years are sourced,
#     the exact first and last day are not.
#   * The two youth streams: their windows were starting values never checked against a
#     circular or beschikking.
STREAM_SOURCES: dict[str, dict] = {
    NPO_CODE: {"reference": "Stcrt 2022-27531"},
    GOAB_CODE: {"reference": "Wet op het primair onderwijs (WPO)"},
    SCHOOL_EN_OMGEVING_CODE: {
        "reference": "Stcrt 2023-18849",
        "window_start_unverified": True,
        "window_end_unverified": True,
    },
    "jeugdwerkloosheid": {"window_start_unverified": True, "window_end_unverified": True},
    "jeugd-welbevinden": {"window_start_unverified": True, "window_end_unverified": True},
}


# --- Spending categories per stream -------------------------------------------------------------

# The purposes of the GOAB specific grant, as the regulation names them: the Wet op het primair
# onderwijs, the section on gemeentelijk onderwijsachterstandenbeleid (art. 165-167 WPO; goab.eu's
# FAQ cites art. 163 with 158-160, so check the current numbering on wetten.overheid.nl), and
# goab.eu's handreiking "Inzet GOAB-middelen 2023-2026" (three substantive parts: voorschoolse
# educatie, activities for pupils such as schakelklassen and zomerscholen, and the agreements
# with school boards on vroegschoolse educatie). The fourth holds other activities against
# educational disadvantage (e.g. the municipality's own hours, which goab.eu says may be paid
# from GOAB); whether a cost fits is for the municipality's accountant.
GOAB_CATEGORIES: list[tuple[str, str]] = [
    ("goab-voorschool", _("Voorschoolse educatie")),
    ("goab-vroegschool", _("Afspraken met schoolbesturen over vroegschoolse educatie")),
    ("goab-leerlingen", _("Schakelklassen, zomerscholen en andere activiteiten voor leerlingen")),
    ("goab-overig", _("Overige activiteiten tegen onderwijsachterstanden")),
]

# School en Omgeving (Stcrt 2023-18849): kept general on purpose. The regulation's own
# conditions decide what the school board may charge; these only say what kind of work it is.
SCHOOL_EN_OMGEVING_CATEGORIES: list[tuple[str, str]] = [
    ("so-aanbod", _("Extra activiteiten voor leerlingen naast de lessen")),
    ("so-coalitie", _("Organisatie en afstemming in de lokale coalitie")),
    ("so-overig", _("Overige activiteiten binnen de subsidieaanvraag")),
]

# Stream code -> its own categories. A stream not named here has none: a spending goal planning
# its money may use any category, and its eligibility in a final accounting is the window alone.
STREAM_CATEGORIES: dict[str, list[tuple[str, str]]] = {
    NPO_CODE: list(SpendingCategory.choices),
    GOAB_CODE: GOAB_CATEGORIES,
    SCHOOL_EN_OMGEVING_CODE: SCHOOL_EN_OMGEVING_CATEGORIES,
}

# Group titles for the grouped choices (a spending goal's category, the forms' <optgroup>s).
CATEGORY_GROUPS: list[tuple[str, str]] = [
    (NPO_CODE, _("NPO gemeenten")),
    (GOAB_CODE, _("GOAB/OAB")),
    (SCHOOL_EN_OMGEVING_CODE, _("School en Omgeving")),
]

# Every category of every stream, grouped per stream: SpendingGoal.category's choices.
CATEGORY_CHOICES: list[tuple[str, list[tuple[str, str]]]] = [
    (title, STREAM_CATEGORIES[code]) for code, title in CATEGORY_GROUPS
]
# The same, flat and in display order: what pages iterate to list categories.
ALL_CATEGORIES: list[tuple[str, str]] = [
    pair for _title, pairs in CATEGORY_CHOICES for pair in pairs
]
ALL_CATEGORY_CODES: frozenset[str] = frozenset(code for code, _label in ALL_CATEGORIES)
_LABELS = dict(ALL_CATEGORIES)


def category_label(code: str) -> str:
    """The display label of any stream's category; an unknown code shows as itself."""
    return str(_LABELS.get(code, code))


def category_stream_title(code: str) -> str:
    """The title of the stream a category belongs to ("" for an unknown code)."""
    for stream_code, title in CATEGORY_GROUPS:
        if any(c == code for c, _label in STREAM_CATEGORIES[stream_code]):
            return str(title)
    return ""


def stream_categories(stream_code: str) -> frozenset[str] | None:
    """The codes of a stream's own categories, or None when the stream has none."""
    pairs = STREAM_CATEGORIES.get(stream_code)
    return None if pairs is None else frozenset(code for code, _label in pairs)


def stream_category_choices(stream_code: str) -> list[tuple[str, str]]:
    """The categories a spending goal planning this stream's money may use (all for a stream
    without its own)."""
    return STREAM_CATEGORIES.get(stream_code, ALL_CATEGORIES)


def category_sort_key(code: str) -> int:
    """Display order of a category (unknown codes last)."""
    for index, (known, _label) in enumerate(ALL_CATEGORIES):
        if known == code:
            return index
    return len(ALL_CATEGORIES)


def funding_streams_ensure() -> int:
    """Create the standard streams that are missing (by code); returns how many were created."""
    from budgets.models import FundingStream

    created = 0
    for stream in STREAMS:
        _, was_created = FundingStream.objects.get_or_create(
            code=stream["code"],
            defaults={
                **stream,
                **STREAM_SOURCES.get(stream["code"], {}),
                "money_per_period": stream["code"] in PER_PERIOD_CODES,
            },
        )
        created += was_created
    return created
