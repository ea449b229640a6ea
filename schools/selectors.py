"""Reads for the school and partner pages. Every tenant read goes through for_municipality()."""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter

from django.db.models import Count, F, FilteredRelation, Max, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from core.memo import memo
from core.npo import NPO_PUPIL_COUNT_YEAR
from core.pagination import with_total
from core.prepared import Prepared
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


# The latest count date of all: asked on every dashboard and school list view, compiled once
# per process (core.prepared); the year's index answers it at once.
def _newest_first() -> QuerySet[PupilCount]:
    """The count dates, newest first: the one rule of "the latest count date", read on its own
    (``latest_pupil_year``) or as a subquery of the dashboard's pupil read (``_latest_year``)."""
    return PupilCount.objects.order_by("-year")


_latest_count = Prepared(lambda: _newest_first().only("year")[:1])


def latest_pupil_year(*, sectors: Iterable[str] | None = None) -> int | None:
    """The latest count date with pupils (of ``sectors``): VO's files end before PO's, and a VO
    location that was VSO long ago has zero rows in the PO history up to its latest year."""
    if sectors is None:
        latest = _latest_count()
        return latest[0].year if latest else None
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


# A location has pupils on a count date: a published number above 0, or DUO's <5.
WITH_PUPILS = Q(count__gt=0) | Q(suppressed=True)


def _with_pupils() -> QuerySet[PupilCount]:
    return PupilCount.objects.filter(WITH_PUPILS)


def _municipality_ids(municipalities: Iterable[Municipality | int]) -> list[int]:
    return [m if isinstance(m, int) else m.pk for m in municipalities]


class PupilFigures:
    """The pupils of some municipalities per year and sector, from one query (``pupil_figures``),
    and every pupil figure folded from them: on a date per group of sectors (``on``), per year
    (``per_year``), per sector (``per_sector``). Each figure follows the rule above: a location
    counts on a date when it had pupils then (a count above 0, or DUO's ``<5``).
    """

    def __init__(self, rows: Iterable[tuple], *, latest_year: int | None = None) -> None:
        # (municipality id, year, sector, pupils, locations, hidden, vavo): the sums over the
        # locations with pupils of that sector and date (None: none), vavo over all of them.
        self.rows = list(rows)
        self.latest_year = latest_year  # ``municipality_pupil_figures``: the latest count date

    def _sums(self, key: Callable[[tuple], object], sectors, year: int | None = None) -> dict:
        """(pupils, locations, hidden) per ``key(row)`` over the rows with pupils (of
        ``sectors``, on ``year``)."""
        wanted = None if sectors is None else set(sectors)
        sums: dict = {}
        for row in self.rows:
            _pk, row_year, sector, pupils, locations, hidden, _vavo = row
            if not locations or (year is not None and row_year != year):
                continue
            if wanted is not None and sector not in wanted:
                continue
            k = key(row)
            found = sums.get(k, (0, 0, 0))
            sums[k] = (found[0] + (pupils or 0), found[1] + locations, found[2] + hidden)
        return sums

    def on(
        self, year: int, groups: dict[str, Iterable[str] | None], *, vavo: bool = False
    ) -> dict[str, dict]:
        """Per group of sectors (None: all), per municipality id: its pupils on 1 October of
        ``year``; a municipality without locations with pupils in a group is absent from it.
        With ``vavo``, the key ``"vavo"`` maps municipality ids to the VO pupils placed with
        vavo (absent when none)."""
        result: dict[str, dict] = {}
        for name, sectors in groups.items():
            sums = self._sums(itemgetter(0), sectors, year)
            result[name] = {pk: PupilTotal(year, *sum_) for pk, sum_ in sums.items()}
        if vavo:
            placed: dict[int, int] = {}
            for pk, row_year, *_counts, n in self.rows:
                if row_year == year and n:
                    placed[pk] = placed.get(pk, 0) + n
            result["vavo"] = placed
        return result

    def per_year(self, sectors: Iterable[str] | None = None) -> dict[int, list[PupilTotal]]:
        """Per municipality id: its pupils (of ``sectors``) per year with pupils, oldest first."""
        result: dict[int, list[PupilTotal]] = {}
        for (pk, year), sum_ in sorted(self._sums(itemgetter(0, 1), sectors).items()):
            result.setdefault(pk, []).append(PupilTotal(year, *sum_))
        return result

    def per_sector(self, pk: int, year: int) -> dict[str, PupilTotal]:
        """Municipality ``pk``'s pupils on 1 October of ``year`` per sector with pupils."""
        sums = self._sums(itemgetter(0, 2), None, year)
        return {sector: PupilTotal(year, *sum_) for (m, sector), sum_ in sums.items() if m == pk}


def _pupil_rows(counts: QuerySet[PupilCount], years, sectors) -> QuerySet:
    """``counts`` (of some municipalities' locations) summed per municipality, year and sector."""
    if years is not None:
        counts = counts.filter(year__in=years)
    if sectors is not None:
        counts = counts.filter(school__sector__in=sectors)
    return (
        counts.values_list("school__municipality_id", "year", "school__sector")
        .annotate(
            pupils=Sum("count", filter=WITH_PUPILS),
            locations=Count("pk", filter=WITH_PUPILS),
            hidden=Count("pk", filter=Q(suppressed=True)),  # a <5 always has pupils
            vavo=Sum("vavo", filter=Q(vavo__gt=0)),
        )
        .order_by()
    )


@functools.lru_cache(maxsize=32)
def _pupil_rows_of(years: tuple[int, ...] | None, sectors: tuple[str, ...] | None) -> Prepared:
    # One municipality's (the dashboard, the gemeentefoto, the NPO estimate of one municipality):
    # compiled once per process and choice of years and sectors, which are written into the SQL.
    return Prepared(
        lambda municipality_id: _pupil_rows(
            PupilCount.objects.filter(school__municipality_id=municipality_id), years, sectors
        ),
        municipality_id=0,
    )


def pupil_figures(
    *,
    municipalities: Iterable[Municipality | int],
    years: Iterable[int] | None = None,
    sectors: Iterable[str] | None = None,
) -> PupilFigures:
    """The pupils of ``municipalities`` per year (every year, or ``years``) and sector (every
    sector, or ``sectors``): one grouped query, from which every pupil figure of this module is
    folded. Ask for the years and sectors you show: all years of all of a municipality's
    locations is a long read (the counts are stored by year)."""
    ids = _municipality_ids(municipalities)
    years = None if years is None else tuple(sorted(set(years)))
    sectors = None if sectors is None else tuple(sectors)
    if len(ids) == 1:
        return PupilFigures(_pupil_rows_of(years, sectors)(municipality_id=ids[0]))
    return PupilFigures(
        _pupil_rows(PupilCount.objects.filter(school__municipality__in=ids), years, sectors)
    )


def _latest_year() -> Subquery:
    """``latest_pupil_year()`` as a subquery: the database answers it once, from the year's
    index, before the read that uses it."""
    return Subquery(_newest_first().values("year")[:1])


# The dashboard's pupil read: one municipality's pupils on the NPO's count date and the latest,
# with that latest year on every row, in one query (compiled once per process). Both dates in
# one read: the location's index finds a location's counts, which the reference load stores side
# by side (key order), so both dates cost little more than one. The latest year goes into the
# IN list (PostgreSQL: ``year = ANY (ARRAY[2020, $latest])`` in the index condition); written as
# ``year = 2020 OR year = (…)`` it became a bitmap scan of both years of the whole country.
_latest_and_npo_rows = Prepared(
    lambda municipality_id: _pupil_rows(
        PupilCount.objects.filter(
            school__municipality_id=municipality_id,
            year__in=[NPO_PUPIL_COUNT_YEAR, _latest_year()],
        ),
        None,
        None,
    ).annotate(latest=_latest_year()),
    municipality_id=0,
)


def municipality_pupil_figures(*, municipality: Municipality) -> PupilFigures:
    """The municipality's pupils on the two count dates the pages show, the latest
    (``latest_pupil_year``, as ``latest_year``) and the NPO's (1 October 2020), read once per
    ``core.memo`` scope: the dashboard's schools panel and its NPO estimate note share it."""

    def read() -> PupilFigures:
        rows = _latest_and_npo_rows(municipality_id=municipality.pk)
        # A municipality without any counts on either date asks the latest date on its own.
        latest = rows[0][-1] if rows else latest_pupil_year()
        return PupilFigures([row[:-1] for row in rows], latest_year=latest)

    return memo(("pupil_figures", municipality.pk), read)


def pupils_per_year(
    *, municipalities: Iterable[Municipality | int], sectors: Iterable[str] | None = None
) -> dict[int, list[PupilTotal]]:
    """Per municipality id: its pupils per year, oldest first (one query)."""
    figures = pupil_figures(municipalities=municipalities, sectors=sectors)
    return figures.per_year()


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
    ``year``, every group from one query (``PupilFigures.on``).

    A municipality without locations with pupils in a group is absent from that group. With
    ``vavo``, the key ``"vavo"`` maps municipality ids to the VO pupils placed with vavo.
    """
    figures = pupil_figures(municipalities=municipalities, years=[year])
    return figures.on(year, groups, vavo=vavo)


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
    figures = pupil_figures(municipalities=[municipality], years=[year])
    return figures.per_sector(municipality.pk, year)


# Compiled once per process (core.prepared): the dashboard asks it on every view.
_locations_per_sector = Prepared(
    lambda municipality_id: (
        School.objects.for_municipality(municipality_id)
        .active()
        .values_list("sector")
        .annotate(n=Count("pk"))
        .order_by("sector")
    ),
    municipality_id=0,
)


def school_locations_per_sector(*, municipality: Municipality) -> dict[str, int]:
    """The municipality's school locations open by the latest files, per sector (public counts)."""
    return dict(_locations_per_sector(municipality_id=municipality.pk))


def _school_list(
    municipality_id: int,
    year,
    *,
    q: str = "",
    sector: str | None = None,
    board_id: int | None = None,
    denomination: str | None = None,
    status: str = "actief",
    sort: str = "naam",
) -> QuerySet[School]:
    schools = School.objects.for_municipality(municipality_id).select_related("board")
    if q:
        for word in q.split()[:8]:
            schools = schools.filter(
                Q(name__icontains=word) | Q(vestigingscode__iexact=word) | Q(city__icontains=word)
            )
    if sector is not None:
        schools = schools.filter(sector=sector)
    if board_id is not None:
        schools = schools.filter(board_id=board_id)
    if denomination is not None:
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


def _filters(
    *,
    q: str = "",
    sector: str = "",
    board: SchoolBoard | None = None,
    denomination: str = "",
    status: str = "actief",
    sort: str = "naam",
) -> dict:
    """The school list's filters (``SchoolFilterForm.filters``) as ``_school_list`` takes them."""
    return {
        "q": q,
        "sector": sector or None,
        "board_id": None if board is None else board.pk,
        "denomination": denomination or None,
        "status": status,
        "sort": sort if sort in SCHOOL_SORTS else "naam",
    }


def school_search(
    *, municipality: Municipality, year: int | None = None, **filters
) -> QuerySet[School]:
    """The municipality's school locations, filtered (``q``, ``sector``, ``board``,
    ``denomination``, ``status``, ``sort``), with the pupils of ``year`` annotated."""
    return _school_list(municipality.pk, year, **_filters(**filters))


# A page of the list without a search text, compiled once per process and shape (the count
# date, which filters are set, the status, the order, the slice): building and compiling it
# took most of a millisecond a view. A search text is written into LIKE patterns, which a
# prepared query cannot take as parameters: that list is built per view.
@functools.lru_cache(maxsize=128)
def _school_page(
    year: int,
    sector: bool,
    board: bool,
    denomination: bool,
    status: str,
    sort: str,
    bottom: int,
    top: int,
) -> Prepared:
    # The count date is written into the SQL too (it changes once a year): a small integer
    # column takes no placeholder out of its range.
    examples = {"municipality_id": 0}
    if sector:
        examples["sector"] = ""
    if board:
        examples["board_id"] = 0
    if denomination:
        examples["denomination"] = ""
    return Prepared(
        lambda municipality_id, **chosen: with_total(
            _school_list(municipality_id, year, status=status, sort=sort, **chosen)
        )[bottom:top],
        **examples,
    )


def school_page_reader(
    *, municipality: Municipality, year: int | None = None, **filters
) -> Callable[[int, int], list[School]] | None:
    """``core.pagination.paginate``'s ``read`` for ``school_search`` with the same filters: a
    page of it with the count of all (one prepared query), or None for a search text or without
    a count date (the list is then paged from the queryset)."""
    args = _filters(**filters)
    if args["q"] or year is None:
        return None
    chosen = {
        name: args[name]
        for name in ("sector", "board_id", "denomination")
        if args[name] is not None
    }

    def read(bottom: int, top: int) -> list[School]:
        page = _school_page(
            year,
            "sector" in chosen,
            "board_id" in chosen,
            "denomination" in chosen,
            args["status"],
            args["sort"],
            bottom,
            top,
        )
        return page(municipality_id=municipality.pk, **chosen)

    return read


# The school list's filter form on every view of it: compiled once per process (core.prepared).
_filter_boards = Prepared(
    lambda municipality_id: (
        SchoolBoard.objects.filter(schools__municipality_id=municipality_id)
        .distinct()
        .order_by("name", "number")
    ),
    municipality_id=0,
)
_filter_denominations = Prepared(
    lambda municipality_id: (
        School.objects.for_municipality(municipality_id)
        .exclude(denomination="")
        .order_by("denomination")
        .values_list("denomination", flat=True)
        .distinct()
    ),
    municipality_id=0,
)


def school_filter_options(*, municipality: Municipality) -> dict:
    return {
        "boards": _filter_boards(municipality_id=municipality.pk),
        "denominations": _filter_denominations(municipality_id=municipality.pk),
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
