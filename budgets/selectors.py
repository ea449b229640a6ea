"""Reads: lists for the pages and the budget overview, aggregated in the database.

The overview runs a fixed number of queries whatever the number of rows: every sum is a
``values(...).annotate(Sum(...))`` grouped by stream, category and month, and the Python code only
arranges those few grouped rows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.db.models.lookups import GreaterThan, LessThan
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgets.models import (
    EFFECTIVE_PERFORMANCE_DATE,
    Allocation,
    Beschikking,
    Commitment,
    FundingStream,
    PlannedAmount,
    Spending,
    SpendingGoal,
    StreamFreeze,
)
from budgets.periods import period_of, period_parse
from budgets.streams import category_label, category_sort_key
from core.money import ZERO, format_money, to_money
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


@dataclass
class Figures:
    allocated: Decimal = ZERO
    planned: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def free(self) -> Decimal:
        """Allocated money that no spending goal has planned yet."""
        return self.allocated - self.planned

    def add(self, other: "Figures") -> None:
        self.allocated += other.allocated
        self.planned += other.planned
        self.committed += other.committed
        self.spent += other.spent


@dataclass
class Projection:
    """Spending rate so far, extrapolated to the end of the stream's window."""

    as_of: datetime.date
    window_end: datetime.date
    spent_to_date: Decimal
    per_month: Decimal
    projected_spent: Decimal
    projected_unspent: Decimal
    window_closed: bool


@dataclass
class BudgetWarning:
    code: str
    text: str
    stream: FundingStream | None = None


def _category_rows(by_category: dict[str, "Figures"]) -> list[tuple[str, str, "Figures"]]:
    """(code, label, figures) for every category present, any stream's (budgets.streams), in
    display order; an unknown code is listed under its code rather than dropped from the totals."""
    return [
        (code, category_label(code), by_category[code])
        for code in sorted(by_category, key=lambda c: (category_sort_key(c), c))
    ]


@dataclass
class StreamBlock:
    stream: FundingStream
    total: Figures = field(default_factory=Figures)
    by_category: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    by_period: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    has_estimate: bool = False
    projection: Projection | None = None

    @property
    def categories(self) -> list[tuple[str, str, Figures]]:
        return _category_rows(self.by_category)

    @property
    def periods(self) -> list[tuple[str, Figures]]:
        return sorted(self.by_period.items())


@dataclass
class ChartPoint:
    month: datetime.date
    planned: Decimal
    committed: Decimal
    spent: Decimal


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


def _date(d: datetime.date) -> str:
    return formats.date_format(d, "j F Y")


def budget_overview(
    *, municipality: Municipality, cycle=None, as_of: datetime.date | None = None
) -> Overview:
    """Allocated, planned, committed, spent and free per stream × category and per period.

    Runs a constant number of queries (one per model plus the streams), however many rows exist.
    ``cycle`` limits planning and spending to the spending goals of that cycle; allocations are
    the municipality's and are always shown whole. ``as_of`` is the date for the projection.
    """
    as_of = as_of or timezone.localdate()
    goal_filter = Q() if cycle is None else Q(spending_goal__cycle=cycle)
    streams = {s.pk: s for s in FundingStream.objects.all()}
    blocks: dict[int, StreamBlock] = {}

    def block(stream_id: int) -> StreamBlock:
        if stream_id not in blocks:
            blocks[stream_id] = StreamBlock(stream=streams[stream_id])
        return blocks[stream_id]

    # 1. Allocations per stream and period.
    for row in (
        Allocation.objects.for_municipality(municipality)
        .values("stream_id", "period")
        .annotate(total=Sum("amount"), estimates=Count("pk", filter=Q(is_estimate=True)))
        .order_by()
    ):
        b = block(row["stream_id"])
        # to_money: SQLite sums decimals as floats; quantizing to cents keeps them exact.
        amount = to_money(row["total"])
        b.by_period[row["period"]].allocated += amount
        b.total.allocated += amount
        b.has_estimate |= row["estimates"] > 0

    # 2. Planned amounts per stream, category and period.
    planned_by_month: dict[datetime.date, Decimal] = defaultdict(Decimal)
    for row in (
        PlannedAmount.objects.for_municipality(municipality)
        .filter(goal_filter)
        .values("stream_id", "spending_goal__category", "period")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        b = block(row["stream_id"])
        amount = to_money(row["total"])
        b.by_category[row["spending_goal__category"]].planned += amount
        b.by_period[row["period"]].planned += amount
        b.total.planned += amount
        # Labels are validated on the way in, so they parse.
        planned_by_month[period_parse(row["period"]).start] += amount

    # 3. Commitments and spending per stream, category and month of their prestatiedatum (the
    # date the cost belongs to; empty: the booking date): periods, calendar years (SiSa) and
    # the chart count a cost where it belongs, as the final accounting does.
    by_year: dict[tuple[int, int], Figures] = defaultdict(Figures)
    monthly: dict[str, dict[datetime.date, Decimal]] = {
        "committed": defaultdict(Decimal),
        "spent": defaultdict(Decimal),
    }
    for model, attr in ((Commitment, "committed"), (Spending, "spent")):
        for row in (
            model.objects.for_municipality(municipality)
            .filter(goal_filter)
            .annotate(month=TruncMonth(EFFECTIVE_PERFORMANCE_DATE))
            .values("stream_id", "spending_goal__category", "month")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            b = block(row["stream_id"])
            amount = to_money(row["total"])
            month = row["month"]
            if isinstance(month, datetime.datetime):  # some backends return datetimes
                month = month.date()
            for figures in (
                b.total,
                b.by_category[row["spending_goal__category"]],
                b.by_period[period_of(month, b.stream.period_kind).label],
                by_year[(b.stream.pk, month.year)],
            ):
                setattr(figures, attr, getattr(figures, attr) + amount)
            monthly[attr][month] += amount

    # 4. Per stream: spending up to the reference date, and what falls outside the window. The
    # window counts a row by its prestatiedatum (the date the cost belongs to; empty: the
    # booking date), as the final accounting does.
    performed = EFFECTIVE_PERFORMANCE_DATE
    outside_q = (
        Q(stream__window_start__isnull=False) & LessThan(performed, F("stream__window_start"))
    ) | (Q(stream__window_end__isnull=False) & GreaterThan(performed, F("stream__window_end")))
    spent_to_date: dict[int, Decimal] = {}
    outside: list[tuple[str, int, Decimal, int]] = []
    for model, kind in ((Commitment, "commitment"), (Spending, "spending")):
        for row in (
            model.objects.for_municipality(municipality)
            .filter(goal_filter)
            .values("stream_id")
            .annotate(
                # Spending within the window up to the reference date sets the rate.
                to_date=Sum("amount", filter=Q(date__lte=as_of) & ~outside_q),
                outside_total=Sum("amount", filter=outside_q),
                outside_count=Count("pk", filter=outside_q),
            )
            .order_by()
        ):
            if kind == "spending":
                spent_to_date[row["stream_id"]] = to_money(row["to_date"])
            if row["outside_count"]:
                outside.append((kind, row["stream_id"], row["outside_total"], row["outside_count"]))

    ordered = sorted(blocks.values(), key=lambda b: (b.stream.sort_order, b.stream.name))
    warnings: list[BudgetWarning] = []
    for b in ordered:
        b.projection = _projection(b, spent_to_date.get(b.stream.pk, ZERO), as_of)
        warnings.extend(_stream_warnings(b))
    for kind, stream_id, amount, count in outside:
        stream = streams[stream_id]
        window = _window_text(stream)
        if kind == "spending":
            text = ngettext(
                "%(count)s besteding van %(stream)s, samen %(amount)s, valt buiten de "
                "bestedingstermijn (%(window)s). Die kan niet ten laste van deze regeling "
                "worden verantwoord.",
                "%(count)s bestedingen van %(stream)s, samen %(amount)s, vallen buiten de "
                "bestedingstermijn (%(window)s). Die kunnen niet ten laste van deze regeling "
                "worden verantwoord.",
                count,
            )
        else:
            text = ngettext(
                "%(count)s verplichting van %(stream)s, samen %(amount)s, valt buiten de "
                "bestedingstermijn (%(window)s).",
                "%(count)s verplichtingen van %(stream)s, samen %(amount)s, vallen buiten de "
                "bestedingstermijn (%(window)s).",
                count,
            )
        warnings.append(
            BudgetWarning(
                f"outside_window_{kind}",
                text
                % {
                    "count": count,
                    "stream": stream.name,
                    "amount": format_money(amount),
                    "window": window,
                },
                stream,
            )
        )

    total = Figures()
    by_category: dict[str, Figures] = defaultdict(Figures)
    for b in ordered:
        total.add(b.total)
        for code, figures in b.by_category.items():
            by_category[code].add(figures)
    category_rows = _category_rows(by_category)
    return Overview(
        as_of=as_of,
        blocks=ordered,
        total=total,
        by_category=category_rows,
        warnings=warnings,
        chart=_chart(planned_by_month, monthly["committed"], monthly["spent"]),
        by_year=dict(by_year),
    )


def _window_text(stream: FundingStream) -> str:
    if stream.window_start and stream.window_end:
        return f"{_date(stream.window_start)} – {_date(stream.window_end)}"
    if stream.window_start:
        return _("vanaf %(date)s") % {"date": _date(stream.window_start)}
    return _("tot en met %(date)s") % {"date": _date(stream.window_end)}


def _projection(b: StreamBlock, spent: Decimal, as_of: datetime.date) -> Projection | None:
    stream = b.stream
    if not (stream.window_start and stream.window_end) or b.total.allocated <= 0:
        return None
    if as_of < stream.window_start:
        return None
    closed = as_of >= stream.window_end
    end = min(as_of, stream.window_end)
    elapsed = (end - stream.window_start).days + 1
    remaining = (stream.window_end - end).days
    per_day = spent / elapsed
    projected = to_money(spent + per_day * remaining)
    return Projection(
        as_of=as_of,
        window_end=stream.window_end,
        spent_to_date=spent,
        per_month=to_money(per_day * DAYS_PER_MONTH),
        projected_spent=projected,
        projected_unspent=b.total.allocated - projected,
        window_closed=closed,
    )


def _days_text(start: datetime.date, end: datetime.date) -> str:
    return _date(start) if start == end else f"{_date(start)} – {_date(end)}"


def _period_window_warnings(b: StreamBlock) -> list[BudgetWarning]:
    """Allocations or plans in a period that misses the window, or that sticks out of it.

    A period that does not touch the window at all holds money that cannot be spent under the
    regulation; a period that overlaps only in part is allowed, and the days outside are named.
    """
    stream = b.stream
    start, end = stream.window_start, stream.window_end
    if start is None and end is None:
        return []
    warnings = []
    for label, figures in b.periods:
        if not (figures.allocated or figures.planned):
            continue  # only spending falls in this period: the window check of dates covers it
        period = period_parse(label)
        values = {"stream": stream.name, "period": label, "window": _window_text(stream)}
        if (start and period.end < start) or (end and period.start > end):
            warnings.append(
                BudgetWarning(
                    "period_outside_window",
                    _(
                        "Voor %(stream)s is in %(period)s geld toegekend of gepland, maar die "
                        "periode valt helemaal buiten de bestedingstermijn (%(window)s)."
                    )
                    % values,
                    stream,
                )
            )
            continue
        outside = []
        if start and period.start < start:
            outside.append(_days_text(period.start, start - datetime.timedelta(days=1)))
        if end and period.end > end:
            outside.append(_days_text(end + datetime.timedelta(days=1), period.end))
        if outside:
            warnings.append(
                BudgetWarning(
                    "period_partly_outside_window",
                    _(
                        "%(period)s valt voor %(stream)s deels buiten de bestedingstermijn "
                        "(%(window)s): in %(days)s kan het geld niet worden besteed."
                    )
                    % {**values, "days": _(" en ").join(outside)},
                    stream,
                )
            )
    return warnings


def _spending_warnings(b: StreamBlock) -> list[BudgetWarning]:
    """Spending above the allocation, commitments above the plan or the allocation, and
    spending on a stream that has a window but no allocation.

    Spending is held against the total allocation of the stream (NPO money may move between
    school years inside the window); per period only for streams whose beschikking ties money to
    a year (``FundingStream.money_per_period``). A stream without a window ("Overig", the
    municipality's own money) needs no allocation.
    """
    stream, total = b.stream, b.total
    name = stream.name
    warnings = []
    has_window = stream.window_start is not None or stream.window_end is not None
    if total.allocated == 0:
        if has_window and total.spent > 0:
            warnings.append(
                BudgetWarning(
                    "spent_without_allocation",
                    _(
                        "Op %(stream)s is %(spent)s besteed, maar er is geen toekenning "
                        "vastgelegd. Leg de beschikking vast of boek de besteding op de juiste "
                        "geldstroom."
                    )
                    % {"stream": name, "spent": format_money(total.spent)},
                    stream,
                )
            )
    elif total.spent > total.allocated:
        warnings.append(
            BudgetWarning(
                "spent_over_allocated",
                _(
                    "Op %(stream)s is %(spent)s besteed, maar %(allocated)s toegekend: "
                    "%(over)s meer besteed dan er is."
                )
                % {
                    "stream": name,
                    "spent": format_money(total.spent),
                    "allocated": format_money(total.allocated),
                    "over": format_money(total.spent - total.allocated),
                },
                stream,
            )
        )
    if stream.money_per_period and total.allocated > 0:
        for period, figures in b.periods:
            if figures.spent > figures.allocated:
                warnings.append(
                    BudgetWarning(
                        "spent_over_allocated_period",
                        _(
                            "In %(period)s is op %(stream)s %(spent)s besteed, maar voor die "
                            "periode is %(allocated)s toegekend. De beschikking bindt het geld "
                            "aan de periode."
                        )
                        % {
                            "period": period,
                            "stream": name,
                            "spent": format_money(figures.spent),
                            "allocated": format_money(figures.allocated),
                        },
                        stream,
                    )
                )
    if (total.planned > 0 or total.allocated > 0) and total.committed > total.planned:
        warnings.append(
            BudgetWarning(
                "committed_over_planned",
                _(
                    "Voor %(stream)s is %(committed)s verplicht, maar %(planned)s gepland: "
                    "%(over)s meer verplicht dan gepland."
                )
                % {
                    "stream": name,
                    "committed": format_money(total.committed),
                    "planned": format_money(total.planned),
                    "over": format_money(total.committed - total.planned),
                },
                stream,
            )
        )
    if total.allocated > 0 and total.committed > total.allocated:
        warnings.append(
            BudgetWarning(
                "committed_over_allocated",
                _(
                    "Voor %(stream)s is %(committed)s verplicht, maar %(allocated)s toegekend: "
                    "%(over)s meer verplicht dan er is."
                )
                % {
                    "stream": name,
                    "committed": format_money(total.committed),
                    "allocated": format_money(total.allocated),
                    "over": format_money(total.committed - total.allocated),
                },
                stream,
            )
        )
    return warnings


def _stream_warnings(b: StreamBlock) -> list[BudgetWarning]:
    warnings = []
    name = b.stream.name
    if b.total.planned > b.total.allocated:
        warnings.append(
            BudgetWarning(
                "planned_over_allocated",
                _(
                    "Voor %(stream)s is %(planned)s gepland, maar %(allocated)s toegekend: "
                    "%(over)s meer gepland dan er is."
                )
                % {
                    "stream": name,
                    "planned": format_money(b.total.planned),
                    "allocated": format_money(b.total.allocated),
                    "over": format_money(b.total.planned - b.total.allocated),
                },
                b.stream,
            )
        )
    for period, figures in b.periods:
        # Only per-period overruns that the stream total does not already explain.
        if figures.planned > figures.allocated and b.total.planned <= b.total.allocated:
            warnings.append(
                BudgetWarning(
                    "planned_over_allocated_period",
                    _(
                        "In %(period)s is voor %(stream)s %(planned)s gepland, maar voor die "
                        "periode is %(allocated)s toegekend. Geld mag binnen de termijn over "
                        "periodes heen worden ingezet; controleer of de andere periodes dat "
                        "opvangen."
                    )
                    % {
                        "period": period,
                        "stream": name,
                        "planned": format_money(figures.planned),
                        "allocated": format_money(figures.allocated),
                    },
                    b.stream,
                )
            )
    p = b.projection
    if p and p.projected_unspent > 0:
        if p.window_closed:
            text = _(
                "De bestedingstermijn van %(stream)s is op %(end)s verlopen. Van de %(allocated)s "
                "is %(spent)s besteed; %(left)s is niet besteed."
            ) % {
                "stream": name,
                "end": _date(p.window_end),
                "allocated": format_money(b.total.allocated),
                "spent": format_money(p.spent_to_date),
                "left": format_money(p.projected_unspent),
            }
        else:
            text = _(
                "Bij het huidige tempo (gemiddeld %(per_month)s per maand) is van %(stream)s op "
                "%(end)s naar verwachting %(projected)s besteed. Dan blijft %(left)s van de "
                "%(allocated)s over."
            ) % {
                "per_month": format_money(p.per_month),
                "stream": name,
                "end": _date(p.window_end),
                "projected": format_money(p.projected_spent),
                "left": format_money(p.projected_unspent),
                "allocated": format_money(b.total.allocated),
            }
        warnings.append(BudgetWarning("projected_unspent", text, b.stream))
    return warnings + _spending_warnings(b) + _period_window_warnings(b)


def _chart(
    planned: dict[datetime.date, Decimal],
    committed: dict[datetime.date, Decimal],
    spent: dict[datetime.date, Decimal],
) -> list[ChartPoint]:
    """Cumulative planned, committed and spent per month, from the first to the last month."""
    months = set(planned) | set(committed) | set(spent)
    if not months:
        return []
    first, last = min(months), max(months)
    points = []
    running = [ZERO, ZERO, ZERO]
    month = first
    while month <= last and len(points) < 240:
        running[0] += planned.get(month, ZERO)
        running[1] += committed.get(month, ZERO)
        running[2] += spent.get(month, ZERO)
        points.append(ChartPoint(month, *running))
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return points


def budget_warnings_for(*, municipality_ids: list[int]) -> dict[int, list[BudgetWarning]]:
    """The overview's spending and window warnings for several municipalities at once.

    For the advisor's portfolio: four grouped queries whatever the number of municipalities, and
    the very checks of ``budget_overview`` (``_spending_warnings``, ``_period_window_warnings``),
    so the two pages never disagree.
    """
    streams = {s.pk: s for s in FundingStream.objects.all()}
    blocks: dict[tuple[int, int], StreamBlock] = {}

    def block(row) -> StreamBlock:
        key = (row["municipality_id"], row["stream_id"])
        if key not in blocks:
            blocks[key] = StreamBlock(stream=streams[row["stream_id"]])
        return blocks[key]

    for model, attr in ((Allocation, "allocated"), (PlannedAmount, "planned")):
        for row in (
            model.objects.filter(municipality__in=municipality_ids)
            .values("municipality_id", "stream_id", "period")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            b = block(row)
            amount = to_money(row["total"])
            for figures in (b.total, b.by_period[row["period"]]):
                setattr(figures, attr, getattr(figures, attr) + amount)
    for row in (
        Commitment.objects.filter(municipality__in=municipality_ids)
        .values("municipality_id", "stream_id")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        block(row).total.committed += to_money(row["total"])
    for row in (
        Spending.objects.filter(municipality__in=municipality_ids)
        .annotate(month=TruncMonth("date"))
        .values("municipality_id", "stream_id", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        b = block(row)
        amount = to_money(row["total"])
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        b.total.spent += amount
        b.by_period[period_of(month, b.stream.period_kind).label].spent += amount

    result: dict[int, list[BudgetWarning]] = {pk: [] for pk in municipality_ids}
    for (municipality_id, _stream_id), b in sorted(
        blocks.items(),
        key=lambda item: (item[0][0], item[1].stream.sort_order, item[1].stream.name),
    ):
        result[municipality_id].extend(_spending_warnings(b) + _period_window_warnings(b))
    return result
