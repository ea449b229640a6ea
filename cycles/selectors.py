"""Reads for the 4D cycle. Every function takes the municipality (or an object already fetched
through it) so nothing outside the tenant can leak in."""

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
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest, Least, NullIf, Round
from django.shortcuts import get_object_or_404

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
from schools.models import Intervention, PartnerOrganisation, School


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


def cycle_get(*, municipality: Municipality, pk: int) -> Cycle:
    # 404, not 403: another municipality's cycle does not exist for this user.
    return get_object_or_404(
        Cycle.objects.for_municipality(municipality).select_related("predecessor"), pk=pk
    )


def open_cycle(*, municipality: Municipality) -> Cycle | None:
    return Cycle.objects.for_municipality(municipality).open().first()


def cycle_successor(*, cycle: Cycle) -> Cycle | None:
    return Cycle.objects.for_municipality(cycle.municipality_id).filter(predecessor=cycle).first()


def cycle_counts(*, cycle: Cycle) -> dict[str, int]:
    """How much each phase holds, for the stepper (one query)."""
    sessions = StakeholderSession.objects.filter(cycle=OuterRef("pk")).values("cycle")
    findings = Finding.objects.filter(cycle=OuterRef("pk")).values("cycle")
    goals = Goal.objects.filter(cycle=OuterRef("pk")).values("cycle")
    activities = Activity.objects.filter(goal__cycle=OuterRef("pk")).values("goal__cycle")
    updates = ProgressUpdate.objects.filter(activity__goal__cycle=OuterRef("pk")).values(
        "activity__goal__cycle"
    )

    def count(qs):
        return Subquery(qs.annotate(n=Count("pk")).values("n")[:1])

    row = (
        Cycle.objects.filter(pk=cycle.pk)
        .annotate(
            n_sessions=count(sessions),
            n_findings=count(findings),
            n_goals=count(goals),
            n_activities=count(activities),
            n_updates=count(updates),
        )
        .values("n_sessions", "n_findings", "n_goals", "n_activities", "n_updates")
        .get()
    )
    return {key.removeprefix("n_"): value or 0 for key, value in row.items()}


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


def goals_with_latest_measurement():
    """Goals with ``latest_measurement`` and their progress (``progress_fraction``), in SQL."""
    return (
        Goal.objects.annotate(latest_measurement=latest_measurement_subquery())
        .annotate(progress_fraction=progress_fraction_subquery())
        .order_by("pk")
    )


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


def cycles_progress(*, cycles: list[Cycle]) -> dict[int, CycleProgress]:
    """Each cycle's progress: the mean progress of its goals with a measurement, how many of its
    goals have one, and how many goals it has. One aggregate query for all the cycles (they are
    already the caller's municipality's), whatever their number of goals and updates."""
    if not cycles:
        return {}
    municipality_id = cycles[0].municipality_id
    rows = (
        Goal.objects.filter(municipality_id=municipality_id, cycle__in=[c.pk for c in cycles])
        .annotate(progress_fraction=progress_fraction_subquery())
        .order_by()
        .values("cycle")
        .annotate(
            mean=Round(Avg("progress_fraction"), 6, output_field=FRACTION),
            measured=Count("progress_fraction"),
            total=Count("pk"),
        )
    )
    found = {
        row["cycle"]: CycleProgress(
            fraction=None
            if row["mean"] is None
            else Decimal(row["mean"]).quantize(Decimal("1e-6")),
            measured=row["measured"],
            total=row["total"],
        )
        for row in rows
    }
    empty = CycleProgress(fraction=None, measured=0, total=0)
    return {c.pk: found.get(c.pk, empty) for c in cycles}


def cycle_progress(*, cycle: Cycle) -> CycleProgress:
    """The cycle's progress (see ``cycles_progress``): one aggregate query."""
    return cycles_progress(cycles=[cycle])[cycle.pk]


def _with_percent(goals: list[Goal]) -> list[Goal]:
    for goal in goals:
        goal.progress = goal_progress(goal)
        goal.progress_percent = None if goal.progress is None else int(round(goal.progress * 100))
    return goals


def cycle_goals_queryset(
    *, cycle: Cycle, facts: bool = True, activities: bool = True, revisions: bool = True
):
    """The cycle's goals (by pk) with their progress and outcome, and what a page shows of them,
    not yet read: a page of it (``Paginator``) runs the prefetches for that page's goals only.
    ``facts`` (findings, interventions, partners, schools: Doelen and Doen), ``activities`` with
    their schools and updates (Doen), ``revisions`` (Doelen). Give what is read to
    ``with_progress``."""
    related = []
    if facts:
        # Only the columns the pages show of them: schools and partners are wide rows.
        related += [
            Prefetch("findings", queryset=Finding.objects.only("pk", "theme")),
            Prefetch(
                "interventions",
                queryset=Intervention.objects.only(
                    "pk", "area", "name", "effect_months", "evidence", "cost", "version"
                ),
            ),
            Prefetch(
                "responsible_partners", queryset=PartnerOrganisation.objects.only("pk", "name")
            ),
            Prefetch("schools", queryset=School.objects.only("pk", "name", "vestigingscode")),
        ]
    if activities:
        related.append(
            Prefetch(
                "activities",
                queryset=Activity.objects.select_related("executing_partner")
                .prefetch_related(
                    Prefetch(
                        "schools", queryset=School.objects.only("pk", "name", "vestigingscode")
                    ),
                    Prefetch(
                        "updates",
                        queryset=ProgressUpdate.objects.select_related("author").order_by(
                            "-date", "-created_at", "-pk"
                        ),
                    ),
                )
                .order_by("start_date", "pk"),
            )
        )
    if revisions:
        related.append(Prefetch("revisions", queryset=GoalRevision.objects.select_related("actor")))
    return (
        goals_with_latest_measurement()
        .filter(cycle=cycle, municipality_id=cycle.municipality_id)
        .select_related("outcome")
        .prefetch_related(*related)
    )


def with_progress(goals) -> list[Goal]:
    """The goals read, each with ``progress`` and ``progress_percent``."""
    return _with_percent(list(goals))


def cycle_goals(
    *, cycle: Cycle, facts: bool = True, activities: bool = True, revisions: bool = True
) -> list[Goal]:
    """All the cycle's goals as ``cycle_goals_queryset`` describes them (fixed queries)."""
    return with_progress(
        cycle_goals_queryset(cycle=cycle, facts=facts, activities=activities, revisions=revisions)
    )


def goal_page_number(*, cycle: Cycle, goal_pk: int, per_page: int) -> int:
    """On which page of ``per_page`` goals (in the order of ``cycle_goals_queryset``: by pk) the
    goal stands (one query)."""
    before = Goal.objects.filter(
        cycle=cycle, municipality_id=cycle.municipality_id, pk__lt=goal_pk
    ).count()
    return before // per_page + 1


def cycle_goal_progress(*, cycle: Cycle) -> list[Goal]:
    """The cycle's goals with only their progress, for the cycle page's list (one query)."""
    return _with_percent(
        list(
            goals_with_latest_measurement()
            .filter(cycle=cycle, municipality_id=cycle.municipality_id)
            .only("pk", "title", "carried_over", "baseline", "target_value", "unit", "cycle_id")
        )
    )


def carried_goals(*, cycle: Cycle) -> list[Goal]:
    """The goals taken over from the previous cycle, with their activities' ids (two queries)."""
    return list(
        Goal.objects.filter(cycle=cycle, municipality_id=cycle.municipality_id, carried_over=True)
        .only("pk", "title", "cycle_id")
        .prefetch_related(Prefetch("activities", queryset=Activity.objects.only("pk", "goal_id")))
        .order_by("pk")
    )


def cycle_sessions(*, cycle: Cycle) -> list[StakeholderSession]:
    return list(
        StakeholderSession.objects.filter(cycle=cycle, municipality_id=cycle.municipality_id)
        .prefetch_related(
            "partners",
            "schools",
            Prefetch("attachments", queryset=SessionAttachment.objects.order_by("pk")),
        )
        .order_by("date", "pk")
    )


def cycle_findings(*, cycle: Cycle) -> list[Finding]:
    return list(
        Finding.objects.filter(cycle=cycle, municipality_id=cycle.municipality_id).prefetch_related(
            "sessions"
        )
    )


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
    for t in PhaseTransition.objects.filter(cycle=cycle).select_related("actor"):
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
    for r in GoalRevision.objects.filter(goal__cycle=cycle).select_related("actor", "goal"):
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
