"""Dashboard panel of the analyses app: the school analyses of the open cycle."""

from analyses.selectors import analysis_counts, analysis_for_school
from cycles.panels import dashboard_open_cycle
from municipalities.dashboard import register_panel
from municipalities.models import READER_ROLES, Role
from schools.panels import dashboard_locations_per_sector


def analyses_panel(*, municipality, membership) -> dict | None:
    cycle = dashboard_open_cycle(municipality)
    if membership.role == Role.SCHOOL:
        analysis = analysis_for_school(school=membership.school, cycle=cycle) if cycle else None
        return {"school_view": True, "cycle": cycle, "analysis": analysis}
    if cycle is None:
        return {"school_view": False, "cycle": None}
    if cycle.analyses_waived:
        # Waived for this cycle: nothing is missing, so no "0 of 86 handed in".
        return {"school_view": False, "cycle": cycle, "waived": True}
    counts = analysis_counts(cycle=cycle)
    # The active locations: the schools panel's figure, from the same read.
    schools = sum(dashboard_locations_per_sector(municipality).values())
    received = counts.received
    return {
        "school_view": False,
        "cycle": cycle,
        "received": received,
        "returned": counts.returned,
        "schools": schools,
        "percent": round(100 * received / schools) if schools else 0,
    }


register_panel(
    "analyses",
    template="analyses/_dashboard_panel.html",
    context=analyses_panel,
    roles=READER_ROLES | {Role.SCHOOL},
    order=20,
)
