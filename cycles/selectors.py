"""Reads for the 4D cycle. Every function takes the municipality (or an object already fetched
through it) so nothing outside the tenant can leak in."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
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
    progress_fraction,
)
from municipalities.models import Municipality


def cycle_list(*, municipality: Municipality) -> list[Cycle]:
    """All cycles of the municipality, newest first, with their goals' progress (fixed queries)."""
    cycles = list(
        Cycle.objects.for_municipality(municipality)
        .select_related("predecessor")
        .annotate(goal_count=Count("goals", distinct=True))
        .prefetch_related(Prefetch("goals", queryset=goals_with_latest_measurement()))
        .order_by("-start_date", "-pk")
    )
    for cycle in cycles:
        cycle.progress = cycle_progress(list(cycle.goals.all()))
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


def goals_with_latest_measurement():
    return Goal.objects.annotate(latest_measurement=latest_measurement_subquery()).order_by("pk")


def goal_progress(goal: Goal) -> Decimal | None:
    """Computed, never typed in: latest measurement against baseline and target."""
    latest = getattr(goal, "latest_measurement", None)
    return progress_fraction(baseline=goal.baseline, target=goal.target_value, latest=latest)


@dataclass(frozen=True)
class CycleProgress:
    fraction: Decimal | None  # mean progress of the goals that can be measured
    measured: int
    total: int

    @property
    def percent(self) -> int | None:
        return None if self.fraction is None else int(round(self.fraction * 100))


def cycle_progress(goals: list[Goal]) -> CycleProgress:
    """Roll the goals' progress up to the cycle: the mean over goals with a measurement."""
    fractions = [f for f in (goal_progress(g) for g in goals) if f is not None]
    mean = sum(fractions, Decimal(0)) / len(fractions) if fractions else None
    return CycleProgress(fraction=mean, measured=len(fractions), total=len(goals))


def cycle_goals(*, cycle: Cycle) -> list[Goal]:
    """The cycle's goals with everything the Doelen, Doen and Evaluatie pages show (fixed queries)."""
    goals = list(
        goals_with_latest_measurement()
        .filter(cycle=cycle, municipality_id=cycle.municipality_id)
        .select_related("outcome")
        .prefetch_related(
            "findings",
            "interventions",
            "responsible_partners",
            "schools",
            Prefetch(
                "activities",
                queryset=Activity.objects.select_related("executing_partner")
                .prefetch_related(
                    "schools",
                    Prefetch(
                        "updates",
                        queryset=ProgressUpdate.objects.select_related("author").order_by(
                            "-date", "-created_at", "-pk"
                        ),
                    ),
                )
                .order_by("start_date", "pk"),
            ),
            Prefetch("revisions", queryset=GoalRevision.objects.select_related("actor")),
        )
    )
    for goal in goals:
        goal.progress = goal_progress(goal)
        goal.progress_percent = None if goal.progress is None else int(round(goal.progress * 100))
    return goals


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
