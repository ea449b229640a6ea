"""Dashboard panels of the schools app: the school locations and the school analyses."""

from django.db.models import Count, Q, Sum

from municipalities.dashboard import register_panel
from municipalities.models import READER_ROLES, Role
from schools.analysis_models import RECEIVED_STATUSES, SchoolAnalysis
from schools.analysis_selectors import analysis_for_school, open_cycle
from schools.models import PupilCount, School
from schools.selectors import latest_pupil_year


def schools_panel(*, municipality, membership) -> dict:
    schools = School.objects.for_municipality(municipality).active()
    per_sector = {
        row["sector"]: row["n"]
        for row in schools.values("sector").annotate(n=Count("pk")).order_by("sector")
    }
    year = latest_pupil_year()
    pupils = None
    if year:
        pupils = PupilCount.objects.filter(
            school__municipality=municipality, school__is_active=True, year=year
        ).aggregate(total=Sum("count"))["total"]
    labels = dict(School.Sector.choices)
    return {
        "total": sum(per_sector.values()),
        "sectors": [(labels.get(code, code), n) for code, n in per_sector.items()],
        "pupil_year": year,
        "pupils": pupils,
    }


def analyses_panel(*, municipality, membership) -> dict | None:
    cycle = open_cycle(municipality=municipality)
    if membership.role == Role.SCHOOL:
        analysis = analysis_for_school(school=membership.school, cycle=cycle) if cycle else None
        return {"school_view": True, "cycle": cycle, "analysis": analysis}
    if cycle is None:
        return {"school_view": False, "cycle": None}
    counts = (
        SchoolAnalysis.objects.for_municipality(municipality)
        .filter(cycle=cycle)
        .aggregate(
            received=Count("pk", filter=Q(status__in=RECEIVED_STATUSES)),
            returned=Count("pk", filter=Q(status="teruggestuurd")),
        )
    )
    schools = School.objects.for_municipality(municipality).active().count()
    received = counts["received"]
    return {
        "school_view": False,
        "cycle": cycle,
        "received": received,
        "returned": counts["returned"],
        "schools": schools,
        "percent": round(100 * received / schools) if schools else 0,
    }


register_panel("schools", template="schools/_dashboard_panel.html", context=schools_panel, order=30)
register_panel(
    "analyses",
    template="schools/analyses/_dashboard_panel.html",
    context=analyses_panel,
    roles=READER_ROLES | {Role.SCHOOL},
    order=20,
)
