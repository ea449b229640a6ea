"""Reads: lists for the pages and the budget overview, aggregated in the database.

The overview's sums, total and warnings are ``budgets.figures`` (one grouped read, one function
per figure, shared with the dashboard panel and the portfolio); here they are only arranged by
category, month and calendar year.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from budgets.figures import BudgetWarning as BudgetWarning
from budgets.figures import ChartPoint as ChartPoint
from budgets.figures import Figures as Figures
from budgets.figures import Projection as Projection
from budgets.figures import StreamBlock as StreamBlock
from budgets.figures import (
    _category_rows,
    _chart,
    budget_figures,
    budget_figures_for,
)
from budgets.models import (
    Allocation,
    Beschikking,
    Commitment,
    FundingStream,
    PlannedAmount,
    Spending,
    SpendingGoal,
    StreamFreeze,
)
from core.prepared import Prepared
from cycles.models import Cycle
from municipalities.models import Municipality

DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12


# --- Lists and single objects ----------------------------------------------------------------


def allocation_list(*, municipality: Municipality) -> QuerySet[Allocation]:
    return Allocation.objects.for_municipality(municipality).select_related("stream", "beschikking")


def allocation_get(*, municipality: Municipality, pk: int) -> Allocation:
    # 404, not 403: never reveal that another municipality's allocation exists.
    return get_object_or_404(allocation_list(municipality=municipality), pk=pk)


def spending_goal_list(*, municipality: Municipality, cycle=None) -> QuerySet[SpendingGoal]:
    goals = SpendingGoal.objects.for_municipality(municipality).annotate(
        planned_total=Sum("planned_amounts__amount")
    )
    if cycle is not None:
        goals = goals.filter(cycle=cycle)
    return goals


def spending_goal_get(*, municipality: Municipality, pk: int) -> SpendingGoal:
    return get_object_or_404(
        SpendingGoal.objects.for_municipality(municipality).prefetch_related(
            Prefetch(
                "planned_amounts",
                queryset=PlannedAmount.objects.select_related("stream"),
            )
        ),
        pk=pk,
    )


def commitment_list(*, municipality: Municipality) -> QuerySet[Commitment]:
    return Commitment.objects.for_municipality(municipality).select_related(
        "stream", "spending_goal", "partner"
    )


def commitment_get(*, municipality: Municipality, pk: int) -> Commitment:
    return get_object_or_404(commitment_list(municipality=municipality), pk=pk)


def spending_list(*, municipality: Municipality) -> QuerySet[Spending]:
    return Spending.objects.for_municipality(municipality).select_related(
        "stream", "spending_goal", "partner"
    )


def spending_get(*, municipality: Municipality, pk: int) -> Spending:
    return get_object_or_404(spending_list(municipality=municipality), pk=pk)


def beschikking_list(*, municipality: Municipality, stream=None) -> QuerySet[Beschikking]:
    rows = Beschikking.objects.for_municipality(municipality).select_related(
        "stream", "recipient_former"
    )
    return rows.filter(stream=stream) if stream is not None else rows


def beschikking_get(*, municipality: Municipality, pk: int) -> Beschikking:
    # 404, not 403: never reveal that another municipality's letter exists.
    return get_object_or_404(beschikking_list(municipality=municipality), pk=pk)


@dataclass
class BeschikkingGroup:
    """The letters of one stream, with whether (and since when) the stream is closed."""

    stream: FundingStream
    beschikkingen: list = field(default_factory=list)
    freezes: list = field(default_factory=list)  # newest first; the first may be in force

    @property
    def active_freeze(self):
        return next((f for f in self.freezes if f.reopened_at is None), None)


def beschikkingen_per_stream(*, municipality: Municipality) -> list[BeschikkingGroup]:
    """Every stream with a letter or a freeze, in the streams' order. Three queries."""
    groups: dict[int, BeschikkingGroup] = {}
    letters = beschikking_list(municipality=municipality).prefetch_related(
        Prefetch("allocations", queryset=Allocation.objects.order_by("period", "pk"))
    )
    for letter in letters:
        groups.setdefault(letter.stream_id, BeschikkingGroup(letter.stream)).beschikkingen.append(
            letter
        )
    for freeze in stream_freeze_history(municipality=municipality):
        groups.setdefault(freeze.stream_id, BeschikkingGroup(freeze.stream)).freezes.append(freeze)
    return sorted(groups.values(), key=lambda g: (g.stream.sort_order, g.stream.name))


# --- Closed (frozen) streams -------------------------------------------------------------------


def _moment(on: datetime.date | datetime.datetime | None) -> datetime.datetime:
    """``on`` as a moment: None is now; a date is the end of that day in Europe/Amsterdam."""
    if on is None:
        return timezone.now()
    if isinstance(on, datetime.datetime):
        return on
    return timezone.make_aware(datetime.datetime.combine(on, datetime.time.max))


def stream_freezes_active_on(
    *, municipality: Municipality, on: datetime.date | datetime.datetime | None = None
) -> QuerySet[StreamFreeze]:
    """The municipality's freezes in force at ``on``: frozen by then and not reopened by then."""
    moment = _moment(on)
    return (
        StreamFreeze.objects.for_municipality(municipality)
        .filter(frozen_at__lte=moment)
        .filter(Q(reopened_at__isnull=True) | Q(reopened_at__gt=moment))
    )


def stream_freeze_active(*, municipality: Municipality, stream) -> StreamFreeze | None:
    """The freeze in force now for ``stream`` (None: the stream is open)."""
    return (
        StreamFreeze.objects.for_municipality(municipality)
        .filter(stream=stream, reopened_at__isnull=True)
        .select_related("stream", "frozen_by", "beschikking")
        .first()
    )


def is_frozen(
    *, municipality: Municipality, stream, on: datetime.date | datetime.datetime | None = None
) -> bool:
    """Was ``stream`` closed for ``municipality`` at ``on`` (default: now)?"""
    return stream_freezes_active_on(municipality=municipality, on=on).filter(stream=stream).exists()


def frozen_stream_ids(*, municipality: Municipality) -> set[int]:
    """The ids of the streams closed now, in one query (for list pages)."""
    return set(
        StreamFreeze.objects.for_municipality(municipality)
        .filter(reopened_at__isnull=True)
        .values_list("stream_id", flat=True)
    )


def stream_freeze_get(*, municipality: Municipality, pk: int) -> StreamFreeze:
    return get_object_or_404(
        StreamFreeze.objects.for_municipality(municipality).select_related("stream", "beschikking"),
        pk=pk,
    )


def stream_freeze_history(*, municipality: Municipality, stream=None) -> QuerySet[StreamFreeze]:
    rows = StreamFreeze.objects.for_municipality(municipality).select_related(
        "stream", "frozen_by", "reopened_by", "beschikking"
    )
    return rows.filter(stream=stream) if stream is not None else rows


# --- The overview ----------------------------------------------------------------------------

# The overview's cycle chooser, on every view of it: compiled once per process (core.prepared).
_cycles_of = Prepared(
    lambda municipality_id: Cycle.objects.filter(municipality_id=municipality_id),
    municipality_id=0,
)


def overview_cycles(*, municipality: Municipality) -> list[Cycle]:
    """The municipality's cycles, in Cycle's own order: the overview's filter."""
    return _cycles_of(municipality_id=municipality.pk)


@dataclass
class Overview:
    as_of: datetime.date
    blocks: list[StreamBlock]
    total: Figures
    by_category: list[tuple[str, str, Figures]]
    warnings: list[BudgetWarning]
    chart: list[ChartPoint]
    # (stream_id, calendar year) -> Figures for committed/spent per year (SiSa summary)
    by_year: dict[tuple[int, int], Figures]


def budget_overview(
    *, municipality: Municipality, cycle=None, as_of: datetime.date | None = None
) -> Overview:
    """Allocated, planned, committed, spent and free per stream × category and per period.

    The sums are ``budgets.figures.budget_figures`` (three queries, however many rows
    exist), the total and the warnings its ``budget_total`` and ``budget_warnings``, as on the
    dashboard panel and the portfolio. ``cycle`` limits planning and spending to the spending
    goals of that cycle; allocations are the municipality's and are always shown whole.
    ``as_of`` is the date for the projection.
    """
    budget = budget_figures_for(
        municipality=municipality, cycle=cycle, as_of=as_of, by_category=True
    )
    by_category: dict[str, Figures] = defaultdict(Figures)
    by_year: dict[tuple[int, int], Figures] = defaultdict(Figures)
    monthly: dict[str, dict[datetime.date, Decimal]] = {
        "planned": defaultdict(Decimal),
        "committed": defaultdict(Decimal),
        "spent": defaultdict(Decimal),
    }
    for b in budget.blocks:
        for code, figures in b.by_category.items():
            by_category[code].add(figures)
        for month, figures in b.by_month.items():
            for attr, per_month in monthly.items():
                per_month[month] += getattr(figures, attr)
            if figures.committed or figures.spent:
                year = by_year[(b.stream.pk, month.year)]
                year.committed += figures.committed
                year.spent += figures.spent
    return Overview(
        as_of=budget.as_of,
        blocks=budget.blocks,
        total=budget.total,
        by_category=_category_rows(by_category),
        warnings=budget.warnings,
        chart=_chart(monthly["planned"], monthly["committed"], monthly["spent"]),
        by_year=dict(by_year),
    )


def budget_warnings_for(*, municipality_ids: list[int]) -> dict[int, list[BudgetWarning]]:
    """The overview's warnings for several municipalities at once, without the projection
    (the portfolio has its own alert for money left over): ``budget_warnings`` of the same
    five-query read, so the two pages never disagree."""
    return {
        pk: [w for w in budget.warnings if w.code != "projected_unspent"]
        for pk, budget in budget_figures(municipality_ids=municipality_ids).items()
    }
