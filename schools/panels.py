"""Dashboard panel of the schools app: the school locations."""

from django.db.models import Count, Sum

from municipalities.dashboard import register_panel
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


register_panel("schools", template="schools/_dashboard_panel.html", context=schools_panel, order=30)
