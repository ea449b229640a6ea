"""Reads for the 4D cycle. Every function takes the municipality (or an object already fetched
through it) so nothing outside the tenant can leak in."""

import functools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Greatest, Least, NullIf, Round
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.prepared import Prepared
from cycles.models import (
    Activity,
    Cycle,
    Finding,
    Goal,
    GoalRevision,
    Phase,
    PhaseTransition,
    ProgressUpdate,
    SessionAttachment,
    StakeholderSession,
)
from municipalities.models import Municipality


def cycle_list(*, municipality: Municipality) -> list[Cycle]:
    """All cycles of the municipality, newest first, with their goals' progress (fixed queries)."""
    cycles = list(
        Cycle.objects.for_municipality(municipality)
        .select_related("predecessor")
        .annotate(goal_count=Count("goals", distinct=True))
        .order_by("-start_date", "-pk")
    )
    progress = cycles_progress(cycles=cycles)
    for cycle in cycles:
        cycle.progress = progress[cycle.pk]
    return cycles


# Every page of a cycle reads it first: compiled once per process (core.prepared).
_cycle_of_municipality = Prepared(
    lambda municipality_id, pk: (
        Cycle.objects.filter(municipality_id=municipality_id, pk=pk)
        .select_related("predecessor")
        .order_by()
    ),
    municipality_id=0,
    pk=0,
)


def cycle_get(*, municipality: Municipality, pk: int) -> Cycle:
    found = _cycle_of_municipality(municipality_id=municipality.pk, pk=pk)
    if not found:
        # 404, not 403: another municipality's cycle does not exist for this user.
        raise Http404("No Cycle matches the given query.")
    cycle = found[0]
    cycle.municipality = municipality  # read by the access check: the links need no query
    return cycle


# Queries of one municipality's or one cycle's rows name their order: the models' default orders
# begin with the parent (``municipality``, ``cycle``, ``goal``), which is the same on every row
# here, and Django joins the parent's table (and its parent's) to sort by the parent's own order.
CYCLE_ORDER = ("-start_date", "-pk")  # Cycle.Meta.ordering within one municipality


_open_cycle = Prepared(
    lambda municipality_id: (
        Cycle.objects.for_municipality(municipality_id).open().order_by(*CYCLE_ORDER)[:1]
    ),
    municipality_id=0,
)


def open_cycle(*, municipality: Municipality) -> Cycle | None:
    """The municipality's newest open cycle, or None (compiled once per process)."""
    found = _open_cycle(municipality_id=municipality.pk)
    return found[0] if found else None


_cycle_successor = Prepared(
    lambda municipality_id, cycle_id: Cycle.objects.filter(
        municipality_id=municipality_id, predecessor_id=cycle_id
    ).order_by(*CYCLE_ORDER)[:1],
    municipality_id=0,
    cycle_id=0,
)


def cycle_successor(*, cycle: Cycle) -> Cycle | None:
    found = _cycle_successor(municipality_id=cycle.municipality_id, cycle_id=cycle.pk)
    return found[0] if found else None


COUNTED = ("sessions", "findings", "goals", "activities", "updates")


def _cycle_counts_queryset(cycle_id):
    sessions = StakeholderSession.objects.filter(cycle=OuterRef("pk")).values("cycle")
    findings = Finding.objects.filter(cycle=OuterRef("pk")).values("cycle")
    goals = Goal.objects.filter(cycle=OuterRef("pk")).values("cycle")
    activities = Activity.objects.filter(goal__cycle=OuterRef("pk")).values("goal__cycle")
    updates = ProgressUpdate.objects.filter(activity__goal__cycle=OuterRef("pk")).values(
        "activity__goal__cycle"
    )

    def count(qs):
        return Subquery(qs.order_by().annotate(n=Count("pk")).values("n")[:1])

    return (
        Cycle.objects.filter(pk=cycle_id)
        .annotate(
            n_sessions=count(sessions),
            n_findings=count(findings),
            n_goals=count(goals),
            n_activities=count(activities),
            n_updates=count(updates),
        )
        .only("pk")
        .order_by()
    )


# The cycle page's own queries, compiled once per process (core.prepared): each is the ORM
# queryset its selector describes, with the cycle (and municipality) as its parameters.
_cycle_counts = Prepared(_cycle_counts_queryset, cycle_id=0)


def cycle_counts(*, cycle: Cycle) -> dict[str, int]:
    """How much each phase holds, for the stepper (one query)."""
    row = _cycle_counts(cycle_id=cycle.pk)[0]
    return {name: getattr(row, f"n_{name}") or 0 for name in COUNTED}


def latest_measurement_subquery():
    return Subquery(
        ProgressUpdate.objects.filter(activity__goal=OuterRef("pk"), measured_value__isnull=False)
        .order_by("-date", "-created_at", "-pk")
        .values("measured_value")[:1]
    )


# A goal's progress, and so the cycle's, is computed in the database: the one definition of the
# figure, for every page, the dashboard and the reports. Six decimals, so that PostgreSQL's exact
# numeric division and SQLite's floating point give the same figure.
FRACTION = DecimalField(max_digits=9, decimal_places=6)


class _Divide(Func):
    """``a / b``: PostgreSQL's exact numeric division; on SQLite, which stores whole decimals as
    integers, a real division rather than an integer one."""

    arg_joiner = " / "
    template = "(%(expressions)s)"
    output_field = FRACTION

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, arg_joiner=" * 1.0 / ", **extra_context)


def progress_fraction_subquery():
    """How far the goal's latest measurement has moved from its baseline towards its target,
    clamped to 0..1; works for goals that go down as well as up (fewer thuiszitters). NULL when
    it cannot be computed: no measurement yet, no baseline or target, or baseline equal to
    target. Computed, never typed in.

    Computed inside the latest-measurement subquery, where the measurement is a plain column:
    referring to a subquery annotation repeats the subquery in the SQL at each reference."""
    span = NullIf(
        ExpressionWrapper(OuterRef("target_value") - OuterRef("baseline"), DecimalField()),
        Value(0),
        output_field=DecimalField(),
    )
    moved = _Divide(
        ExpressionWrapper(F("measured_value") - OuterRef("baseline"), DecimalField()), span
    )
    fraction = Case(
        When(moved__isnull=True, then=Value(None, output_field=FRACTION)),
        default=Round(
            Greatest(
                Value(0), Least(Value(1), F("moved"), output_field=FRACTION), output_field=FRACTION
            ),
            6,
            output_field=FRACTION,
        ),
        output_field=FRACTION,
    )
    return Subquery(
        ProgressUpdate.objects.filter(activity__goal=OuterRef("pk"), measured_value__isnull=False)
        .order_by("-date", "-created_at", "-pk")
        .annotate(moved=moved)
        .annotate(fraction=fraction)
        .values("fraction")[:1],
        output_field=FRACTION,
    )


# The goals' progress is a deep expression (two correlated subqueries, a clamp, a division):
# building and resolving it took more time than the database took to run it. So the annotated
# querysets below are built once per process and every caller gets a clone (``.all()``) to
# filter, slice or read, as a class-based view's ``queryset`` attribute is reused; never hand
# out the cached object itself (reading it would keep its rows).
@functools.cache
def _annotated_goals(*, latest: bool, cycle_figures: str):
    goals = Goal.objects.all()
    if latest:
        goals = goals.annotate(latest_measurement=latest_measurement_subquery())
    goals = goals.annotate(progress_fraction=progress_fraction_subquery()).order_by("pk")
    if cycle_figures:
        figures = _progress_figures(over_all_rows=True)
        if cycle_figures == "total":
            figures = {"total": figures["total"]}
        goals = goals.annotate(**{f"cycle_{name}": value for name, value in figures.items()})
    return goals


def goals_with_latest_measurement():
    """Goals with ``latest_measurement`` and their progress (``progress_fraction``), in SQL."""
    return _annotated_goals(latest=True, cycle_figures="").all()


def goal_progress(goal: Goal) -> Decimal | None:
    """The goal's progress (0..1) as annotated by ``goals_with_latest_measurement``."""
    return getattr(goal, "progress_fraction", None)


@dataclass(frozen=True)
class CycleProgress:
    fraction: Decimal | None  # mean progress of the goals that can be measured
    measured: int
    total: int

    @property
    def percent(self) -> int | None:
        return None if self.fraction is None else int(round(self.fraction * 100))


def _progress_figures(*, over_all_rows: bool = False) -> dict:
    """The cycle's progress over goals annotated with ``progress_fraction``: the mean progress
    of the goals with a measurement (six decimals), how many have one, how many goals there are.
    The one definition of these figures: aggregated per cycle (``cycles_progress``) or, with
    ``over_all_rows``, as window aggregates over every goal the query selects, on each row (a
    window is computed before LIMIT/OFFSET: a page of goals carries the whole cycle's figures)."""
    over = Window if over_all_rows else (lambda aggregate: aggregate)
    return {
        "mean": Round(over(Avg("progress_fraction")), 6, output_field=FRACTION),
        "measured": over(Count("progress_fraction")),
        "total": over(Count("pk")),
    }


def _cycle_progress(*, mean, measured: int, total: int) -> CycleProgress:
    return CycleProgress(
        fraction=None if mean is None else Decimal(mean).quantize(Decimal("1e-6")),
        measured=measured,
        total=total,
    )


NO_PROGRESS = CycleProgress(fraction=None, measured=0, total=0)


def cycles_progress(*, cycles: list[Cycle]) -> dict[int, CycleProgress]:
    """Each cycle's progress: the mean progress of its goals with a measurement, how many of its
    goals have one, and how many goals it has. One aggregate query for all the cycles (they are
    already the caller's municipality's), whatever their number of goals and updates."""
    if not cycles:
        return {}
    municipality_id = cycles[0].municipality_id
    rows = (
        _annotated_goals(latest=False, cycle_figures="")
        .filter(municipality_id=municipality_id, cycle__in=[c.pk for c in cycles])
        .order_by()
        .values("cycle")
        .annotate(**_progress_figures())
    )
    found = {
        row["cycle"]: _cycle_progress(
            mean=row["mean"], measured=row["measured"], total=row["total"]
        )
        for row in rows
    }
    return {c.pk: found.get(c.pk, NO_PROGRESS) for c in cycles}


def cycle_progress(*, cycle: Cycle) -> CycleProgress:
    """The cycle's progress (see ``cycles_progress``): one aggregate query."""
    return cycles_progress(cycles=[cycle])[cycle.pk]


def goals_with_cycle_progress(*, latest: bool = True, progress: bool = True):
    """Goals as ``goals_with_latest_measurement`` (without ``latest``: only their progress)
    carrying on every row the progress figures of all the goals the query selects (filter it on
    one cycle): ``cycle_mean``, ``cycle_measured``, ``cycle_total`` or, without ``progress``,
    only the number of goals (``cycle_total``). A page of them (sliced) then also answers the
    cycle's progress and the paginator's count, in its one query. Read them with
    ``cycle_progress_of`` and ``cycle_total_of``."""
    return _annotated_goals(latest=latest, cycle_figures="progress" if progress else "total").all()


def cycle_progress_of(goals: list[Goal]) -> CycleProgress:
    """The cycle's progress from goals read ``goals_with_cycle_progress`` (none: no goals)."""
    if not goals:
        return NO_PROGRESS
    first = goals[0]
    return _cycle_progress(
        mean=first.cycle_mean, measured=first.cycle_measured, total=first.cycle_total
    )


def cycle_total_of(goals: list[Goal]) -> int:
    """The number of the cycle's goals from goals read ``goals_with_cycle_progress``."""
    return goals[0].cycle_total if goals else 0


def _with_percent(goals: list[Goal]) -> list[Goal]:
    for goal in goals:
        goal.progress = goal_progress(goal)
        goal.progress_percent = None if goal.progress is None else int(round(goal.progress * 100))
    return goals


def cycle_goals_queryset(*, cycle: Cycle, progress: bool = False):
    """The cycle's goals (by pk) with their progress and the number of the cycle's goals (with
    ``progress``, the cycle's progress too; ``goals_with_cycle_progress``), not yet read."""
    return goals_with_cycle_progress(progress=progress).filter(
        cycle=cycle, municipality_id=cycle.municipality_id
    )


@functools.lru_cache(maxsize=64)
def _goal_page_query(*, progress: bool, start: int, stop: int) -> Prepared:
    # A slice is written into the SQL (LIMIT/OFFSET): one prepared query per page asked for.
    return Prepared(
        lambda municipality_id, cycle_id: goals_with_cycle_progress(progress=progress).filter(
            cycle_id=cycle_id, municipality_id=municipality_id
        )[start:stop],
        municipality_id=0,
        cycle_id=0,
    )


def cycle_goal_page(*, cycle: Cycle, number: int, per_page: int, progress: bool) -> list[Goal]:
    """Page ``number`` (from 1) of ``per_page`` goals of ``cycle_goals_queryset``, read (one
    query; empty past the last page). Give them to ``with_progress``; ``cycle_total_of`` and
    ``cycle_progress_of`` read the cycle's figures from them."""
    query = _goal_page_query(
        progress=progress, start=(number - 1) * per_page, stop=number * per_page
    )
    return query(municipality_id=cycle.municipality_id, cycle_id=cycle.pk)


# What a page shows of a goal's relations is read for the goals read, one query a relation and no
# more (issue 23): plain lists on the goal, not prefetched managers. The goals read are a run of
# one cycle's goals in pk order (a page of them, or all), so each query asks for the cycle's
# goals from the first pk to the last: the same parameters whatever the page's size, so each is
# compiled once per process (core.prepared). The queries name their order: the models' default
# orders begin with the parent (``cycle``, ``goal``) and join its table for nothing.
INTERVENTION_COLUMNS = ("area", "name", "effect_months", "evidence", "cost", "version")


def _lean(rows, *, order: tuple, related=(), only=()):
    """``rows`` with their ``related`` joined, only the ``only`` columns, in ``order``."""
    if related:
        rows = rows.select_related(*related)
    if only:
        rows = rows.only(*only)
    return rows.order_by(*order)


def _goal_run(model, goal_path: str, *, order: tuple, related=(), only=()):
    """A prepared query of ``model`` rows whose goal (``goal_path``) is one of the cycle's goals
    from ``first`` to ``last`` (pks)."""

    def build(cycle_id, first, last):
        rows = model.objects.filter(
            **{
                f"{goal_path}__cycle_id": cycle_id,
                f"{goal_path}_id__gte": first,
                f"{goal_path}_id__lte": last,
            }
        )
        return _lean(rows, order=order, related=related, only=only)

    return Prepared(build, cycle_id=0, first=0, last=0)


_goal_findings = _goal_run(
    Goal.findings.through,
    "goal",
    related=["finding"],
    only=["goal", "finding", "finding__theme"],
    order=(F("finding__priority").asc(nulls_last=True), "finding_id"),
)
_goal_interventions = _goal_run(
    Goal.interventions.through,
    "goal",
    related=["intervention"],
    only=["goal", "intervention", *(f"intervention__{c}" for c in INTERVENTION_COLUMNS)],
    order=("intervention__version", "intervention__area", "intervention__name"),
)
_goal_partners = _goal_run(
    Goal.responsible_partners.through,
    "goal",
    related=["partnerorganisation"],
    only=["goal", "partnerorganisation", "partnerorganisation__name"],
    order=("partnerorganisation__name", "partnerorganisation_id"),
)
_goal_schools = _goal_run(
    Goal.schools.through,
    "goal",
    related=["school"],
    only=["goal", "school", "school__name"],
    order=("school__name", "school__vestigingscode"),
)
_goal_activities = _goal_run(
    Activity, "goal", related=["executing_partner"], order=("start_date", "pk")
)
_goal_activity_schools = _goal_run(
    Activity.schools.through,
    "activity__goal",
    related=["school"],
    only=["activity", "school", "school__name"],
    order=("school__name", "school__vestigingscode"),
)
_goal_updates = _goal_run(
    ProgressUpdate, "activity__goal", related=["author"], order=("-date", "-created_at", "-pk")
)
_goal_revisions = _goal_run(GoalRevision, "goal", related=["actor"], order=("created_at", "pk"))


def _grouped(pairs) -> dict[int, list]:
    found = defaultdict(list)
    for key, value in pairs:
        found[key].append(value)
    return found


def _run_of(goals: list[Goal]) -> dict:
    return {"cycle_id": goals[0].cycle_id, "first": goals[0].pk, "last": goals[-1].pk}


def _read_facts(goals: list[Goal]) -> None:
    """``finding_themes``, ``intervention_list``, ``partner_names``, ``school_names``."""
    run = _run_of(goals)
    themes = _grouped((row.goal_id, row.finding.theme) for row in _goal_findings(**run))
    interventions = _grouped((row.goal_id, row.intervention) for row in _goal_interventions(**run))
    partners = _grouped(
        (row.goal_id, row.partnerorganisation.name) for row in _goal_partners(**run)
    )
    schools = _grouped((row.goal_id, row.school.name) for row in _goal_schools(**run))
    for goal in goals:
        goal.finding_themes = themes.get(goal.pk, [])
        goal.intervention_list = interventions.get(goal.pk, [])
        goal.partner_names = partners.get(goal.pk, [])
        goal.school_names = schools.get(goal.pk, [])


def _read_activities(goals: list[Goal]) -> None:
    """``activity_list`` (by start date), each with ``school_names`` and ``update_list``
    (newest first, with their authors)."""
    run = _run_of(goals)
    activities = _goal_activities(**run)
    schools, updates = {}, {}
    if activities:
        schools = _grouped(
            (row.activity_id, row.school.name) for row in _goal_activity_schools(**run)
        )
        updates = _grouped((update.activity_id, update) for update in _goal_updates(**run))
    by_goal = defaultdict(list)
    for activity in activities:
        activity.school_names = schools.get(activity.pk, [])
        activity.update_list = updates.get(activity.pk, [])
        by_goal[activity.goal_id].append(activity)
    for goal in goals:
        goal.activity_list = by_goal.get(goal.pk, [])


def _read_revisions(goals: list[Goal]) -> None:
    """``revision_list`` (oldest first, with their actors)."""
    revisions = _grouped((r.goal_id, r) for r in _goal_revisions(**_run_of(goals)))
    for goal in goals:
        goal.revision_list = revisions.get(goal.pk, [])


def with_progress(
    goals, *, facts: bool = False, activities: bool = False, revisions: bool = False
) -> list[Goal]:
    """The goals read (a run of one cycle's goals in pk order: a page of them, or all), each with
    ``progress`` and ``progress_percent``, and what a page shows of them, read for these goals
    only: ``facts`` (finding themes, interventions, partner and
    school names: Doelen and Doen), ``activities`` with their schools and updates (Doen),
    ``revisions`` (Doelen). Fixed queries whatever the number of goals."""
    goals = _with_percent(list(goals))
    if goals:
        for wanted, read in (
            (facts, _read_facts),
            (activities, _read_activities),
            (revisions, _read_revisions),
        ):
            if wanted:
                read(goals)
    return goals


def cycle_goals(
    *, cycle: Cycle, facts: bool = True, activities: bool = True, revisions: bool = True
) -> list[Goal]:
    """All the cycle's goals with their outcome and what ``with_progress`` reads of them (fixed
    queries)."""
    return with_progress(
        goals_with_latest_measurement()
        .filter(cycle=cycle, municipality_id=cycle.municipality_id)
        .select_related("outcome"),
        facts=facts,
        activities=activities,
        revisions=revisions,
    )


def cycle_goal_count(*, cycle: Cycle) -> int:
    """How many goals the cycle has (one query)."""
    return Goal.objects.filter(cycle=cycle, municipality_id=cycle.municipality_id).count()


def goal_page_number(*, cycle: Cycle, goal_pk: int, per_page: int) -> int:
    """On which page of ``per_page`` goals (in the order of ``cycle_goals_queryset``: by pk) the
    goal stands (one query)."""
    before = Goal.objects.filter(
        cycle=cycle, municipality_id=cycle.municipality_id, pk__lt=goal_pk
    ).count()
    return before // per_page + 1


_cycle_goal_progress = Prepared(
    lambda municipality_id, cycle_id: (
        # Their progress only: the latest measurement is not shown there.
        goals_with_cycle_progress(latest=False)
        .filter(cycle_id=cycle_id, municipality_id=municipality_id)
        .only("pk", "title", "carried_over", "baseline", "target_value", "unit", "cycle_id")
    ),
    municipality_id=0,
    cycle_id=0,
)


def cycle_goal_progress(*, cycle: Cycle) -> list[Goal]:
    """The cycle's goals with only their progress, for the cycle page's list, and the cycle's
    progress (``cycle_progress_of``): one query."""
    return _with_percent(
        _cycle_goal_progress(municipality_id=cycle.municipality_id, cycle_id=cycle.pk)
    )


# The Data page's reads, compiled once per process (core.prepared).
_carried_goals = Prepared(
    lambda municipality_id, cycle_id: (
        Goal.objects.filter(cycle_id=cycle_id, municipality_id=municipality_id, carried_over=True)
        .only("pk", "title", "cycle_id")
        .annotate(activity_count=Count("activities"))
        .order_by("pk")
    ),
    municipality_id=0,
    cycle_id=0,
)
_goals_with_outcome = Prepared(
    lambda municipality_id, cycle_id: (
        # The latest measurement, not the progress: the Data page does not show it.
        Goal.objects.annotate(latest_measurement=latest_measurement_subquery())
        .filter(cycle_id=cycle_id, municipality_id=municipality_id)
        .select_related("outcome")
        .order_by("pk")
    ),
    municipality_id=0,
    cycle_id=0,
)
_continued_activities = Prepared(
    lambda municipality_id, cycle_id, previous_id: (
        Activity.objects.filter(
            municipality_id=municipality_id,
            goal__cycle_id=cycle_id,
            carried_from__goal__cycle_id=previous_id,
        )
        .select_related("goal", "carried_from__goal")
        .order_by("goal_id", "pk")
    ),
    municipality_id=0,
    cycle_id=0,
    previous_id=0,
)


def carried_goals(*, cycle: Cycle) -> list[Goal]:
    """The goals taken over from the previous cycle, with their number of activities
    (``activity_count``; one query)."""
    return _carried_goals(municipality_id=cycle.municipality_id, cycle_id=cycle.pk)


def goals_with_outcome(*, cycle: Cycle, municipality_id: int) -> list[Goal]:
    """The cycle's goals (by pk) with their latest measurement and outcome, if the cycle is
    ``municipality_id``'s (one query)."""
    return _goals_with_outcome(municipality_id=municipality_id, cycle_id=cycle.pk)


def continued_activities(*, cycle: Cycle, previous: Cycle) -> list[Activity]:
    """The cycle's activities continued from ``previous``'s, with their goal and the activity
    (and goal) they continue, by goal (one query)."""
    return _continued_activities(
        municipality_id=cycle.municipality_id, cycle_id=cycle.pk, previous_id=previous.pk
    )


def _of_cycle(model, cycle_path: str, *, order: tuple, related=(), only=()) -> Prepared:
    """A prepared query of the ``model`` rows of one cycle (``cycle_path``: how they reach it),
    in ``order``."""

    def build(cycle_id):
        rows = model.objects.filter(**{f"{cycle_path}_id": cycle_id})
        return _lean(rows, order=order, related=related, only=only)

    return Prepared(build, cycle_id=0)


_sessions = _of_cycle(StakeholderSession, "cycle", order=("date", "pk"))
_session_partners = _of_cycle(
    StakeholderSession.partners.through,
    "stakeholdersession__cycle",
    related=["partnerorganisation"],
    only=["stakeholdersession", "partnerorganisation", "partnerorganisation__name"],
    order=("partnerorganisation__name", "partnerorganisation_id"),
)
_session_schools = _of_cycle(
    StakeholderSession.schools.through,
    "stakeholdersession__cycle",
    related=["school"],
    only=["stakeholdersession", "school", "school__name"],
    order=("school__name", "school__vestigingscode"),
)
_session_attachments = _of_cycle(SessionAttachment, "session__cycle", order=("pk",))
_findings = _of_cycle(Finding, "cycle", order=(F("priority").asc(nulls_last=True), "pk"))
# A finding's sessions are its cycle's (services.finding_save): by date, as they are ordered.
_finding_sessions = _of_cycle(
    Finding.sessions.through,
    "finding__cycle",
    related=["stakeholdersession"],
    only=["finding", "stakeholdersession", "stakeholdersession__title"],
    order=("stakeholdersession__date", "stakeholdersession_id"),
)


def cycle_sessions(*, cycle: Cycle) -> list[StakeholderSession]:
    """The cycle's sessions by date, each with ``participant_names`` (its partners' names, then
    its schools') and ``attachment_list`` (in the order added): four queries."""
    sessions = _sessions(cycle_id=cycle.pk)
    if not sessions:
        return sessions
    partners = _grouped(
        (row.stakeholdersession_id, row.partnerorganisation.name)
        for row in _session_partners(cycle_id=cycle.pk)
    )
    schools = _grouped(
        (row.stakeholdersession_id, row.school.name) for row in _session_schools(cycle_id=cycle.pk)
    )
    attachments = _grouped(
        (attachment.session_id, attachment)
        for attachment in _session_attachments(cycle_id=cycle.pk)
    )
    for session in sessions:
        session.participant_names = partners.get(session.pk, []) + schools.get(session.pk, [])
        session.attachment_list = attachments.get(session.pk, [])
    return sessions


def cycle_findings(*, cycle: Cycle) -> list[Finding]:
    """The cycle's findings by priority (none last), each with ``session_titles`` (by date):
    two queries."""
    findings = _findings(cycle_id=cycle.pk)
    titles = {}
    if findings:
        titles = _grouped(
            (row.finding_id, row.stakeholdersession.title)
            for row in _finding_sessions(cycle_id=cycle.pk)
        )
    for finding in findings:
        finding.session_titles = titles.get(finding.pk, [])
    return findings


def session_get(*, cycle: Cycle, pk: int) -> StakeholderSession:
    return get_object_or_404(
        StakeholderSession.objects.filter(cycle=cycle, municipality_id=cycle.municipality_id),
        pk=pk,
    )


def finding_get(*, cycle: Cycle, pk: int) -> Finding:
    return get_object_or_404(
        Finding.objects.filter(cycle=cycle, municipality_id=cycle.municipality_id), pk=pk
    )


def goal_get(*, cycle: Cycle, pk: int) -> Goal:
    return get_object_or_404(
        goals_with_latest_measurement().filter(cycle=cycle, municipality_id=cycle.municipality_id),
        pk=pk,
    )


def activity_get(*, cycle: Cycle, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.filter(
            goal__cycle=cycle, municipality_id=cycle.municipality_id
        ).select_related("goal"),
        pk=pk,
    )


def attachment_get(*, cycle: Cycle, pk: int) -> SessionAttachment:
    return get_object_or_404(
        SessionAttachment.objects.filter(
            session__cycle=cycle, municipality_id=cycle.municipality_id
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class TimelineEntry:
    when: object
    kind: str  # "created", "forward", "back", "revision"
    title: str
    actor: object
    note: str


_cycle_transitions = Prepared(
    lambda cycle_id: (
        PhaseTransition.objects.filter(cycle_id=cycle_id)
        .select_related("actor")
        .order_by("created_at", "pk")
    ),
    cycle_id=0,
)
_cycle_revisions = Prepared(
    lambda cycle_id: (
        GoalRevision.objects.filter(goal__cycle_id=cycle_id)
        .select_related("actor", "goal")
        .order_by("goal_id", "created_at", "pk")
    ),
    cycle_id=0,
)


def cycle_timeline(*, cycle: Cycle) -> list[TimelineEntry]:
    """Phase transitions and goal bijstellingen, oldest first (two queries)."""
    from django.utils.translation import gettext as _

    entries = [
        TimelineEntry(
            when=cycle.created_at,
            kind="created",
            title=_("Cyclus gestart in fase %(phase)s") % {"phase": Phase(Phase.DATA).label},
            actor=None,
            note="",
        )
    ]
    for t in _cycle_transitions(cycle_id=cycle.pk):
        entries.append(
            TimelineEntry(
                when=t.created_at,
                kind=t.direction,
                title=_("%(from)s → %(to)s")
                % {"from": t.get_from_phase_display(), "to": t.get_to_phase_display()},
                actor=t.actor,
                note=t.note,
            )
        )
    for r in _cycle_revisions(cycle_id=cycle.pk):
        entries.append(
            TimelineEntry(
                when=r.created_at,
                kind="revision",
                title=_("Bijstelling van doel “%(goal)s”") % {"goal": r.goal.title},
                actor=r.actor,
                note=r.reason,
            )
        )
    entries.sort(key=lambda e: e.when)
    return entries


def unfinished_goals(*, cycle: Cycle):
    """Goals not (fully) achieved: no outcome yet, partly or not achieved."""
    return cycle.goals.filter(Q(outcome__isnull=True) | ~Q(outcome__result="achieved"))
