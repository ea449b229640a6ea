"""Reads for the school and partner pages. Every tenant read goes through for_municipality()."""

from dataclasses import dataclass

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from municipalities.models import Municipality
from schools.models import PartnerOrganisation, PupilCount, School, SchoolBoard, SchoolWeight

SCHOOL_SORTS = {
    "naam": ("name", "vestigingscode"),
    "-naam": ("-name", "-vestigingscode"),
    "code": ("vestigingscode",),
    "-code": ("-vestigingscode",),
    "sector": ("sector", "name"),
    "-sector": ("-sector", "name"),
    "plaats": ("city", "name"),
    "-plaats": ("-city", "name"),
    "leerlingen": ("latest_pupils", "name"),
    "-leerlingen": ("-latest_pupils", "name"),
}


def latest_pupil_year() -> int | None:
    return PupilCount.objects.aggregate(year=Max("year"))["year"]


def school_search(
    *,
    municipality: Municipality,
    q: str = "",
    sector: str = "",
    board: SchoolBoard | None = None,
    denomination: str = "",
    status: str = "actief",
    sort: str = "naam",
    year: int | None = None,
) -> QuerySet[School]:
    """The municipality's school locations, filtered, with the pupils of ``year`` annotated."""
    schools = School.objects.for_municipality(municipality).select_related("board")
    if q:
        for word in q.split()[:8]:
            schools = schools.filter(
                Q(name__icontains=word) | Q(vestigingscode__iexact=word) | Q(city__icontains=word)
            )
    if sector:
        schools = schools.filter(sector=sector)
    if board is not None:
        schools = schools.filter(board=board)
    if denomination:
        schools = schools.filter(denomination=denomination)
    if status == "actief":
        schools = schools.filter(is_active=True)
    elif status == "inactief":
        schools = schools.filter(is_active=False)
    latest = PupilCount.objects.filter(school=OuterRef("pk"), year=year)
    schools = schools.annotate(
        latest_pupils=Subquery(latest.values("count")[:1]),
        latest_suppressed=Subquery(latest.values("suppressed")[:1]),
    )
    return schools.order_by(*SCHOOL_SORTS.get(sort, SCHOOL_SORTS["naam"]))


def school_filter_options(*, municipality: Municipality) -> dict:
    schools = School.objects.for_municipality(municipality)
    return {
        "boards": list(
            SchoolBoard.objects.filter(schools__municipality=municipality)
            .distinct()
            .order_by("name", "number")
        ),
        "denominations": list(
            schools.exclude(denomination="")
            .order_by("denomination")
            .values_list("denomination", flat=True)
            .distinct()
        ),
    }


def school_get(*, municipality: Municipality, pk: int) -> School:
    # 404, not 403: never reveal that another municipality's school exists.
    return get_object_or_404(
        School.objects.for_municipality(municipality).select_related("board", "municipality"),
        pk=pk,
    )


@dataclass(frozen=True)
class PupilYear:
    year: int
    count: int | None
    suppressed: bool


def school_pupil_history(*, school: School) -> list[PupilYear]:
    """Pupil counts per year, without the years before the location opened (leading zeros)."""
    rows = [
        PupilYear(year, count, suppressed)
        for year, count, suppressed in school.pupil_counts.order_by("year").values_list(
            "year", "count", "suppressed"
        )
    ]
    while rows and rows[0].count == 0 and not rows[0].suppressed:
        rows.pop(0)
    return rows


def school_weights(*, school: School) -> list[SchoolWeight]:
    return list(school.weights.order_by("school_year"))


def school_partners(*, school: School) -> list[PartnerOrganisation]:
    return list(
        PartnerOrganisation.objects.for_municipality(school.municipality_id)
        .filter(schools=school)
        .order_by("name")
    )


def partner_list(*, municipality: Municipality, include_inactive: bool = False) -> list:
    partners = PartnerOrganisation.objects.for_municipality(municipality)
    if not include_inactive:
        partners = partners.active()
    return list(partners.prefetch_related("schools").order_by("-is_active", "name"))


def partner_get(*, municipality: Municipality, pk: int) -> PartnerOrganisation:
    return get_object_or_404(PartnerOrganisation.objects.for_municipality(municipality), pk=pk)
