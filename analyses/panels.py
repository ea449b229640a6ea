"""Dashboard panel of the analyses app: the school analyses of the open cycle."""

from django.db.models import Count, FilteredRelation, Q

from analyses.models import RECEIVED_STATUSES, AnalysisStatus
from analyses.selectors import analysis_for_school
from core.prepared import Prepared
from cycles.models import Cycle
from cycles.panels import dashboard_open_cycle
from municipalities.dashboard import register_panel
from municipalities.models import READER_ROLES, Role
from schools.panels import dashboard_locations_per_sector

# The cycle's analyses of the municipality, received and returned, counted on the cycle's row
# (a model query, so core.prepared compiles it once per process: 1.4 -> 0.5 ms): the analyses
# are joined on their cycle *and* municipality, as SchoolAnalysis.for_municipality().
_counts = Prepared(
    lambda municipality_id, cycle_id: (
        Cycle.objects.filter(pk=cycle_id)
        .only("pk")
        .order_by()
        .annotate(
            mine=FilteredRelation(
                "school_analyses", condition=Q(school_analyses__municipality_id=municipality_id)
            )
        )
        .annotate(
            received=Count("mine", filter=Q(mine__status__in=RECEIVED_STATUSES)),
            returned=Count("mine", filter=Q(mine__status=AnalysisStatus.RETURNED)),
        )
    ),
    municipality_id=0,
    cycle_id=0,
)


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
    (counts,) = _counts(municipality_id=municipality.pk, cycle_id=cycle.pk)
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
