"""Reads for the school and partner pages. Every tenant read goes through for_municipality()."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, FilteredRelation, Max, Q, QuerySet, Sum
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


# Primary education in DUO's PO pupil history (BO, SBO, SO, VSO, SO/VSO); VO is the other sector.
PO_SECTORS = tuple(s for s in School.Sector.values if s != School.Sector.VO)


def latest_pupil_year(*, sectors: Iterable[str] | None = None) -> int | None:
    """The latest count date with pupils (of ``sectors``): VO's files end before PO's, and a VO
    location that was VSO long ago has zero rows in the PO history up to its latest year."""
    if sectors is None:
        return PupilCount.objects.aggregate(year=Max("year"))["year"]
    counts = _with_pupils().filter(school__sector__in=list(sectors))
    return counts.aggregate(year=Max("year"))["year"]


# --- Figures: one selector per figure, used by every page, PDF, export and comparison. ---------
#
# Pupils per municipality, year and sector count every location that had pupils on that count
# date (a published number above 0, or DUO's ``<5``), whatever the location's status today:
# ``School.is_active`` says whether it is open by the latest files and never changes history.
# A ``<5`` is never guessed: it adds nothing to ``pupils`` and is counted in ``hidden``, so a
# total can say "exclusief N vestigingen met <5 leerlingen".


@dataclass(frozen=True)
class PupilTotal:
    """Pupils of a set of locations on 1 October of ``year`` (DUO teldatum)."""

    year: int
    pupils: int  # the sum of the published counts
    locations: int  # locations with pupils on that date, ``hidden`` included
    hidden: int  # locations DUO publishes as <5, not in ``pupils``


def _with_pupils() -> QuerySet[PupilCount]:
    return PupilCount.objects.filter(Q(count__gt=0) | Q(suppressed=True))


_TOTALS = {
    "pupils": Sum("count"),
    "locations": Count("pk"),
    "hidden": Count("pk", filter=Q(suppressed=True)),
}


def _total(year: int, row: dict) -> PupilTotal:
    return PupilTotal(year, row["pupils"] or 0, row["locations"], row["hidden"])


def _municipality_ids(municipalities: Iterable[Municipality | int]) -> list[int]:
    return [m if isinstance(m, int) else m.pk for m in municipalities]


def pupils_per_year(
    *, municipalities: Iterable[Municipality | int], sectors: Iterable[str] | None = None
) -> dict[int, list[PupilTotal]]:
    """Per municipality id: its pupils per year, oldest first (one query)."""
    counts = _with_pupils().filter(school__municipality__in=_municipality_ids(municipalities))
    if sectors is not None:
        counts = counts.filter(school__sector__in=list(sectors))
    result: dict[int, list[PupilTotal]] = {}
    for row in (
        counts.values("school__municipality_id", "year")
        .annotate(**_TOTALS)
        .order_by("school__municipality_id", "year")
    ):
        result.setdefault(row["school__municipality_id"], []).append(_total(row["year"], row))
    return result


def municipality_pupils_per_year(*, municipality: Municipality) -> list[PupilTotal]:
    """The municipality's pupils per year, oldest first: the history of the dashboard and PDFs."""
    return pupils_per_year(municipalities=[municipality]).get(municipality.pk, [])


def pupils_on_groups(
    *,
    municipalities: Iterable[Municipality | int],
    year: int,
    groups: dict[str, Iterable[str] | None],
    vavo: bool = False,
) -> dict[str, dict]:
    """Per group of sectors (None: all), per municipality id: its pupils on 1 October of
    ``year``, every group in one query (sums filtered per group, the rule of ``_with_pupils``).

    A municipality without locations with pupils in a group is absent from that group. With
    ``vavo``, the key ``"vavo"`` maps municipality ids to the VO pupils placed with vavo.
    """
    with_pupils = Q(count__gt=0) | Q(suppressed=True)
    aggregates = {}
    for n, sectors in enumerate(groups.values()):
        counted = with_pupils if sectors is None else with_pupils & Q(school__sector__in=sectors)
        aggregates[f"g{n}_pupils"] = Sum("count", filter=counted)
        aggregates[f"g{n}_locations"] = Count("pk", filter=counted)
        aggregates[f"g{n}_hidden"] = Count("pk", filter=counted & Q(suppressed=True))
    if vavo:
        aggregates["vavo_total"] = Sum("vavo", filter=Q(vavo__gt=0))
    result: dict[str, dict] = {name: {} for name in groups}
    if vavo:
        result["vavo"] = {}
    rows = (
        PupilCount.objects.filter(
            school__municipality__in=_municipality_ids(municipalities), year=year
        )
        .values("school__municipality_id")
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        pk = row["school__municipality_id"]
        for n, name in enumerate(groups):
            if row[f"g{n}_locations"]:
                result[name][pk] = PupilTotal(
                    year, row[f"g{n}_pupils"] or 0, row[f"g{n}_locations"], row[f"g{n}_hidden"]
                )
        if vavo and row["vavo_total"]:
            result["vavo"][pk] = row["vavo_total"]
    return result


def pupils_on(
    *,
    municipalities: Iterable[Municipality | int],
    year: int,
    sectors: Iterable[str] | None = None,
) -> dict[int, PupilTotal]:
    """Per municipality id: its pupils on 1 October of ``year`` (one query).

    A municipality without locations with pupils that year is absent from the result.
    """
    groups = {"pupils": None if sectors is None else list(sectors)}
    return pupils_on_groups(municipalities=municipalities, year=year, groups=groups)["pupils"]


def vavo_on(*, municipalities: Iterable[Municipality | int], year: int) -> dict[int, int]:
    """Per municipality id: of its VO pupils on 1 October of ``year``, those placed with vavo
    (included in the VO counts; DUO's VO files of 2017–2022 name them)."""
    return pupils_on_groups(municipalities=municipalities, year=year, groups={}, vavo=True)["vavo"]


def municipality_pupils_per_sector(
    *, municipality: Municipality, year: int
) -> dict[str, PupilTotal]:
    """The municipality's pupils on 1 October of ``year`` per sector (one query)."""
    return {
        row["school__sector"]: _total(year, row)
        for row in _with_pupils()
        .filter(school__municipality=municipality, year=year)
        .values("school__sector")
        .annotate(**_TOTALS)
        .order_by()
    }


def school_locations_per_sector(*, municipality: Municipality) -> dict[str, int]:
    """The municipality's school locations open by the latest files, per sector (public counts)."""
    return {
        row["sector"]: row["n"]
        for row in School.objects.for_municipality(municipality)
        .active()
        .values("sector")
        .annotate(n=Count("pk"))
        .order_by("sector")
    }


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
    # One LEFT JOIN on the count of ``year`` (one per school and year) instead of a correlated
    # subquery per column and row.
    schools = schools.annotate(
        latest=FilteredRelation("pupil_counts", condition=Q(pupil_counts__year=year)),
        latest_pupils=F("latest__count"),
        latest_suppressed=F("latest__suppressed"),
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
    """Pupil counts per year, without the years before the location opened (leading zeros).

    A VO location shows the years DUO's VO files give (2017–2022 here) and any earlier VSO
    pupils; the PO history's zeros for it mean "no PO pupils", not "no pupils", and are left out.
    """
    counts = school.pupil_counts.order_by("year").values_list("year", "count", "suppressed", "vavo")
    rows = [
        PupilYear(year, count, suppressed)
        for year, count, suppressed, vavo in counts
        if school.sector != School.Sector.VO or count or suppressed or vavo is not None
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
