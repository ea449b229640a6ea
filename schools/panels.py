"""Dashboard panel of the schools app: the school locations."""

from core.memo import memo
from municipalities.dashboard import register_panel
from schools.models import School
from schools.selectors import (
    PO_SECTORS,
    municipality_pupil_figures,
    pupils_per_year,
    school_locations_per_sector,
)


def dashboard_locations_per_sector(municipality) -> dict[str, int]:
    """The municipality's active locations per sector, read once per dashboard view: the schools
    panel shows them, the analyses panel counts the schools that should hand in an analysis."""
    return memo(
        ("locations_per_sector", municipality.pk),
        lambda: school_locations_per_sector(municipality=municipality),
    )


def schools_panel(*, municipality, membership) -> dict:
    per_sector = dashboard_locations_per_sector(municipality)
    # The pupils on the latest count date, from the read the budget panel's NPO estimate note
    # shares (schools.selectors.municipality_pupil_figures).
    figures = municipality_pupil_figures(municipality=municipality)
    year = figures.latest_year
    pupils = None
    if year:
        pupils = figures.on(year, {"po": PO_SECTORS})["po"].get(municipality.pk)
    # VO: DUO's VO files here end earlier (1 Oct 2022): the latest VO count, with its own date
    # (one query on this municipality's locations).
    vo_history = pupils_per_year(municipalities=[municipality], sectors=[School.Sector.VO])
    vo_pupils = (vo_history.get(municipality.pk) or [None])[-1]
    vo_year = vo_pupils.year if vo_pupils else None
    labels = dict(School.Sector.choices)
    return {
        "total": sum(per_sector.values()),
        "sectors": [(labels.get(code, code), n) for code, n in per_sector.items()],
        "pupil_year": year,
        "pupils": pupils,
        "vo_year": vo_year,
        "vo_pupils": vo_pupils,
    }


register_panel("schools", template="schools/_dashboard_panel.html", context=schools_panel, order=30)
