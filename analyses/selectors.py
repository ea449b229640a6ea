"""Reads for the school-analysis pages. Every read is scoped to one municipality, and for a
school user to that user's own school location."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from analyses.models import (
    RECEIVED_STATUSES,
    AnalysisAttachment,
    AnalysisIntake,
    AnalysisNeed,
    AnalysisReminder,
    AnalysisStatus,
    SchoolAnalysis,
)
from core.memo import memo
from core.pagination import with_total
from core.params import id_param
from core.prepared import Prepared
from cycles.models import Cycle
from cycles.selectors import open_cycle as cycles_open_cycle
from municipalities.models import Membership, Municipality, Role
from schools.models import Intervention, School

MISSING = "ontbreekt"
NOT_RECEIVED = "niet_ontvangen"
REMINDER_INTERVAL = timedelta(days=1)


def open_cycle(*, municipality: Municipality):
    """The municipality's current open 4D cycle, or None (the cycles app's one definition)."""
    return cycles_open_cycle(municipality=municipality)


def cycles_of(*, municipality: Municipality) -> list:
    """The municipality's cycles, newest first (as Cycle's own ordering within one municipality)."""
    return list(Cycle.objects.for_municipality(municipality).order_by("-start_date", "-pk"))


def cycle_for_overview(*, cycles: list, cycle_pk: str | None):
    """From ``cycles`` (``cycles_of``: one query for the chooser and the choice): the cycle asked
    for in ``?cyclus=`` (404 when it is not one of them), else the newest open one, as
    ``open_cycle`` finds it."""
    if cycle_pk := id_param(cycle_pk):  # BadRequest (400) for a malformed or oversized id
        for cycle in cycles:
            if cycle.pk == cycle_pk:
                return cycle
        raise Http404
    return next((cycle for cycle in cycles if cycle.is_open), None)


def analyses_visible_to(*, membership: Membership) -> QuerySet[SchoolAnalysis]:
    """Analyses the member may see: all of the municipality's, or a school user's own school's."""
    analyses = SchoolAnalysis.objects.for_municipality(membership.municipality)
    if membership.role == Role.SCHOOL:
        analyses = analyses.filter(school_id=membership.school_id)
    return analyses


def analysis_get(*, membership: Membership, pk: int) -> SchoolAnalysis:
    """404 for another municipality's analysis and, for a school user, for another school's."""
    return get_object_or_404(
        analyses_visible_to(membership=membership).select_related(
            "school", "cycle", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


def analysis_detail(*, membership: Membership, pk: int) -> SchoolAnalysis:
    analyses = (
        analyses_visible_to(membership=membership)
        .select_related("school", "cycle", "submitted_by", "reviewed_by")
        .prefetch_related(
            Prefetch("interventions", queryset=Intervention.objects.order_by("area", "name")),
            Prefetch("needs", queryset=AnalysisNeed.objects.order_by("category")),
            Prefetch(
                "attachments",
                queryset=AnalysisAttachment.objects.select_related("uploaded_by").order_by(
                    "uploaded_at", "pk"
                ),
            ),
        )
    )
    return get_object_or_404(analyses, pk=pk)


def analysis_for_school(*, school: School, cycle) -> SchoolAnalysis | None:
    if cycle is None:
        return None
    return SchoolAnalysis.objects.filter(school=school, cycle=cycle).first()


def attachment_get(*, analysis: SchoolAnalysis, pk: int) -> AnalysisAttachment:
    return get_object_or_404(
        AnalysisAttachment.objects.for_municipality(analysis.municipality_id).filter(
            analysis=analysis
        ),
        pk=pk,
    )


def intake_get(*, municipality: Municipality, token: str) -> AnalysisIntake:
    return get_object_or_404(
        AnalysisIntake.objects.for_municipality(municipality).select_related(
            "cycle", "uploaded_by"
        ),
        token=token,
    )


def menukaart_interventions() -> QuerySet[Intervention]:
    """The interventions of the newest menukaart version (older versions stay for old analyses)."""
    latest = Intervention.objects.order_by("-version").values_list("version", flat=True).first()
    return Intervention.objects.filter(version=latest).order_by("area", "name")


@dataclass
class SectorCompleteness:
    sector: str
    label: str
    total: int
    received: int

    @property
    def percent(self) -> int:
        return round(100 * self.received / self.total) if self.total else 0


@dataclass
class Overview:
    total: int
    received: int
    per_sector: list[SectorCompleteness]
    status_counts: dict[str, int]
    # The shown locations as a queryset, built when asked (``paginate`` asks it only for a page
    # past the end or an empty list), and ``read(bottom, top)``: those rows with the count of all
    # on each (core.pagination.paginate's ``read``), one prepared query.
    shown: Callable[[], QuerySet[School]]
    read: Callable[[int, int], list[School]]

    @property
    def percent(self) -> int:
        return round(100 * self.received / self.total) if self.total else 0

    @property
    def missing(self) -> int:
        return self.total - self.received


def _overview_schools(municipality_id: int, cycle_id: int) -> QuerySet[School]:
    """The municipality's active locations with the status of their analysis for the cycle: the
    school's analysis as one LEFT JOIN (at most one: unique per school and cycle), instead of a
    subquery per column."""
    return (
        School.objects.for_municipality(municipality_id)
        .active()
        .annotate(
            cycle_analysis=FilteredRelation("analyses", condition=Q(analyses__cycle_id=cycle_id)),
            analysis_status=F("cycle_analysis__status"),
        )
    )


def _overview_shown(
    municipality_id: int,
    cycle_id: int,
    reminder_cycle_id: int,
    today: date,
    *,
    sector: str,
    status: str,
) -> QuerySet[School]:
    """The locations the overview lists (of ``sector``, with ``status``; the form's choices),
    with their analysis, last reminder and whether the school has a user, by name."""
    reminders = AnalysisReminder.objects.filter(
        school=OuterRef("pk"), cycle_id=reminder_cycle_id
    ).order_by("-sent_at")
    school_users = Membership.objects.active(today=today).filter(
        school=OuterRef("pk"), role=Role.SCHOOL
    )
    shown = _overview_schools(municipality_id, cycle_id)
    if sector:
        shown = shown.filter(sector=sector)
    if status == NOT_RECEIVED:
        not_received = [s for s in AnalysisStatus.values if s not in RECEIVED_STATUSES]
        shown = shown.filter(Q(analysis_status__isnull=True) | Q(analysis_status__in=not_received))
    elif status == MISSING:
        shown = shown.filter(analysis_status__isnull=True)
    elif status:
        shown = shown.filter(analysis_status=status)
    return shown.annotate(
        analysis_pk=F("cycle_analysis__pk"),
        analysis_submitted_at=F("cycle_analysis__submitted_at"),
        last_reminder_at=Subquery(reminders.values("sent_at")[:1]),
        has_school_user=Exists(school_users),
    ).order_by("name", "vestigingscode")


# Building and compiling the overview's two queries (a filtered relation, a subquery, an EXISTS)
# took about 2 ms a view, as long as the rest of the page's Python: both are compiled once per
# process (core.prepared), the page of rows once per filter and page (the form's choices and the
# slice are written into the SQL). The cycle's id is two parameters: it reaches the join and the
# reminders' subquery.
_status_counts = Prepared(
    lambda municipality_id, cycle_id: (
        _overview_schools(municipality_id, cycle_id)
        .values("sector", "analysis_status")
        .annotate(n=Count("pk"))
        .order_by()
    ),
    municipality_id=0,
    cycle_id=0,
)


@functools.lru_cache(maxsize=128)
def _overview_page(sector: str, status: str, bottom: int, top: int) -> Prepared:
    return Prepared(
        lambda municipality_id, cycle_id, reminder_cycle_id, today: with_total(
            _overview_shown(
                municipality_id, cycle_id, reminder_cycle_id, today, sector=sector, status=status
            )
        )[bottom:top],
        municipality_id=0,
        cycle_id=0,
        reminder_cycle_id=0,
        today=date(2000, 1, 1),
    )


def intake_overview(
    *, municipality: Municipality, cycle, sector: str = "", status: str = ""
) -> Overview:
    """Every active school location with its analysis status for ``cycle``, and completeness.

    Completeness counts all schools in one grouped query (per sector and status); the list is
    filtered by sector/status in the database and read a page at a time (status, analysis id and
    last reminder as subqueries), so the queries are the same for any number of schools and a
    page renders only its own rows. ``sector`` and ``status``: the filter form's choices.
    """
    labels = dict(School.Sector.choices)
    per_sector: dict[str, SectorCompleteness] = {}
    status_counts = {MISSING: 0, **{s.value: 0 for s in AnalysisStatus}}
    total = received = 0
    for row in _status_counts(municipality_id=municipality.pk, cycle_id=cycle.pk):
        n, key = row["n"], row["analysis_status"]
        is_received = key in RECEIVED_STATUSES
        status_counts[key or MISSING] += n
        entry = per_sector.setdefault(
            row["sector"],
            SectorCompleteness(row["sector"], str(labels.get(row["sector"], row["sector"])), 0, 0),
        )
        entry.total += n
        total += n
        if is_received:
            entry.received += n
            received += n
    today = timezone.localdate()
    ids = {
        "municipality_id": municipality.pk,
        "cycle_id": cycle.pk,
        "reminder_cycle_id": cycle.pk,
        "today": today,
    }
    order = list(labels)
    return Overview(
        total=total,
        received=received,
        per_sector=sorted(per_sector.values(), key=lambda e: order.index(e.sector)),
        status_counts=status_counts,
        shown=lambda: _overview_shown(*ids.values(), sector=sector, status=status),
        read=lambda bottom, top: _overview_page(sector, status, bottom, top)(**ids),
    )


def overview_rows(schools) -> list[School]:
    """The status key, label and whether it counts as received, for the rows of one page."""
    rows = list(schools)
    for school in rows:
        school.status_key = school.analysis_status or MISSING
        school.status_label = (
            AnalysisStatus(school.analysis_status).label if school.analysis_status else None
        )
        school.is_received = school.analysis_status in RECEIVED_STATUSES
    return rows


def schools_to_remind(*, municipality: Municipality, cycle) -> tuple[list[School], list[School]]:
    """Active schools without a received analysis: (due for a reminder, reminded < 1 day ago)."""
    since = timezone.now() - REMINDER_INTERVAL
    received = SchoolAnalysis.objects.filter(
        school=OuterRef("pk"), cycle=cycle, status__in=RECEIVED_STATUSES
    )
    recent = AnalysisReminder.objects.filter(school=OuterRef("pk"), cycle=cycle, sent_at__gte=since)
    schools = list(
        School.objects.for_municipality(municipality)
        .active()
        .annotate(received=Exists(received), reminded_recently=Exists(recent))
        .filter(received=False)
        .order_by("name")
    )
    due = [s for s in schools if not s.reminded_recently]
    skipped = [s for s in schools if s.reminded_recently]
    return due, skipped


def school_users(*, schools: list[School]) -> dict[int, list]:
    """Active school-role users per school id (one query)."""
    users: dict[int, list] = {}
    memberships = (
        Membership.objects.active()
        .filter(role=Role.SCHOOL, school__in=schools, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    for membership in memberships:
        users.setdefault(membership.school_id, []).append(membership.user)
    return users


def reviewers(*, municipality: Municipality) -> list:
    """The municipality's policy officers and advisors (who get the 'submitted' e-mail)."""
    return [
        m.user
        for m in Membership.objects.for_municipality(municipality)
        .active()
        .filter(role__in=[Role.POLICY_OFFICER, Role.ADVISOR], user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    ]


# The cycle's analyses of its municipality, received and returned, counted on the cycle's row
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


@dataclass(frozen=True)
class AnalysisCounts:
    received: int
    returned: int


def analysis_counts(*, cycle) -> AnalysisCounts:
    """The cycle's school analyses received (submitted, resubmitted or accepted) and returned:
    one query, once per ``core.memo`` scope (the dashboard's analyses panel and the Data
    checklist of its cycle panel show the same figure)."""

    def read() -> AnalysisCounts:
        found = _counts(municipality_id=cycle.municipality_id, cycle_id=cycle.pk)
        return (
            AnalysisCounts(found[0].received, found[0].returned) if found else AnalysisCounts(0, 0)
        )

    return memo(("analysis_counts", cycle.pk), read)


def received_count(*, cycle) -> int:
    return analysis_counts(cycle=cycle).received
