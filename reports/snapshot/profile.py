"""The municipality's profile: schools and pupils per sector over the years, school weights."""

from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.utils.translation import gettext as _

from municipalities.figures import inhabitants_source
from municipalities.models import Municipality
from reports.formatting import percent
from reports.snapshot.common import unavailable
from schools.models import School, SchoolWeight
from schools.selectors import (
    PO_SECTORS,
    latest_pupil_year,
    municipality_pupils_per_sector,
    pupils_per_year,
    school_locations_per_sector,
)

PUPIL_YEARS_SHOWN = 10
# School weight bands (CBS schoolweging lies roughly between 20 and 40; national mean ~30).
WEIGHT_BANDS = [
    (None, Decimal("26"), "< 26"),
    (Decimal("26"), Decimal("28"), "26 – 28"),
    (Decimal("28"), Decimal("30"), "28 – 30"),
    (Decimal("30"), Decimal("32"), "30 – 32"),
    (Decimal("32"), Decimal("34"), "32 – 34"),
    (Decimal("34"), Decimal("36"), "34 – 36"),
    (Decimal("36"), None, "≥ 36"),
]


def profile_section(municipality: Municipality) -> dict:
    per_sector = school_locations_per_sector(municipality=municipality)
    total_schools = sum(per_sector.values())

    # PO (incl. SBO, SO, VSO) per year; VO beside it for the years DUO's VO files cover
    # (2017–2022 here), so the series never jumps where the VO history ends.
    by_year = pupils_per_year(municipalities=[municipality], sectors=PO_SECTORS).get(
        municipality.pk, []
    )
    vo_by_year = {
        row.year: row
        for row in pupils_per_year(municipalities=[municipality], sectors=[School.Sector.VO]).get(
            municipality.pk, []
        )
    }
    latest_year = latest_pupil_year() if by_year else None
    pupils_per_sector = (
        municipality_pupils_per_sector(municipality=municipality, year=latest_year)
        if latest_year
        else {}
    )
    latest = next((row for row in by_year if row.year == latest_year), None)
    total_pupils = latest.pupils if latest else 0

    sectors = []
    for code, label in School.Sector.choices:
        n_schools = per_sector.get(code, 0)
        pupils = pupils_per_sector.get(code)
        if not n_schools and not pupils:
            continue
        sectors.append(
            {
                "code": code,
                "label": str(label),
                "schools": n_schools,
                "pupils": pupils.pupils if pupils else None,
                "pupils_share": percent(pupils.pupils, total_pupils) if pupils else None,
                "hidden_locations": pupils.hidden if pupils else 0,
            }
        )

    years = []
    for row in by_year[-PUPIL_YEARS_SHOWN:]:
        year = {"year": row.year, "pupils": row.pupils, "hidden_locations": row.hidden}
        if row.year in vo_by_year:
            year["vo_pupils"] = vo_by_year[row.year].pupils
            year["vo_hidden_locations"] = vo_by_year[row.year].hidden
        years.append(year)
    # The years shown with a VO count (DUO's VO files; VSO counts of the 1990s at locations
    # that are VO today fall outside the years shown).
    vo_years = [row["year"] for row in years if "vo_pupils" in row]

    return {
        "available": bool(total_schools or by_year),
        "missing": _(
            "Er zijn geen schoolvestigingen of leerlingaantallen bekend voor deze gemeente."
        )
        if not (total_schools or by_year)
        else "",
        "inhabitants": municipality.inhabitants,
        "inhabitants_source": inhabitants_source(municipality),
        "province": municipality.province,
        "total_schools": total_schools,
        "total_pupils": total_pupils if latest_year else None,
        "hidden_locations": latest.hidden if latest else 0,
        "pupil_year": latest_year,
        "sectors": sectors,
        "years": years,
        # The VO history DUO's files give: first and last count year, or None.
        "vo_years": [vo_years[0], vo_years[-1]] if vo_years else None,
        "weights": weights_section(municipality),
    }


def _dec1(value: Decimal, quantum: str = "0.1") -> str:
    """Decimal -> Dutch text with a decimal comma: Decimal("30.46") -> "30,5"."""
    return str(Decimal(value).quantize(Decimal(quantum), rounding=ROUND_HALF_UP)).replace(".", ",")


def weight_reference_date(school_year: str) -> str:
    """The peildatum of a schoolweging (Inspectie's file): 1 Oct for 2021-2022, 1 Feb after."""
    first, _sep, second = school_year.partition("-")
    if school_year == "2021-2022" or not second.isdigit():
        return _("1 okt. %(year)s") % {"year": first}
    return _("1 feb. %(year)s") % {"year": second}


def weights_section(municipality: Municipality) -> dict:
    rows = SchoolWeight.objects.filter(
        school__municipality=municipality, school__is_active=True, weight__isnull=False
    )
    latest = rows.order_by("-school_year").values_list("school_year", flat=True).first()
    if latest is None:
        return unavailable(
            _("Er zijn geen schoolwegingen bekend voor de scholen in deze gemeente.")
        )
    values = list(rows.filter(school_year=latest).values_list("weight", "spread"))
    weights = sorted(w for w, _s in values)
    spreads = [s for _w, s in values if s is not None]
    bands = []
    for low, high, label in WEIGHT_BANDS:
        n = sum(1 for w in weights if (low is None or w >= low) and (high is None or w < high))
        bands.append({"label": label, "schools": n})
    mean = sum(weights) / len(weights)
    return {
        "available": True,
        "school_year": latest,
        "reference_date": weight_reference_date(latest),
        "schools": len(weights),
        "mean": _dec1(mean),
        "median": _dec1(Decimal(median(weights))),
        # Min and max describe single schools; only shown where there are enough schools.
        "min": _dec1(weights[0]) if len(weights) >= 5 else None,
        "max": _dec1(weights[-1]) if len(weights) >= 5 else None,
        "mean_spread": _dec1(sum(spreads) / len(spreads), "0.01") if spreads else None,
        "bands": bands,
    }
