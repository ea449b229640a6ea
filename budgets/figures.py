"""The budget figures, computed in the database: one read, one function per figure.

``budget_figures`` is the one read behind every budget figure the product shows: per municipality
(any number of them) and funding stream, four grouped sums (allocations, planned amounts,
commitments, spending; two queries, each a UNION ALL of two) by period or month of the prestatiedatum, with the spending to date and
what falls outside the window as filtered sums of the same queries, plus the streams. Nothing
loops over rows: Python only arranges the grouped rows, whose number depends on the streams,
categories and months, not on the number of rows.

Each figure is then one function of that read, used by every page that shows it:

- ``budget_total``: allocated, planned, committed, spent and free (the dashboard panel, the
  overview, the portfolio, the plan's PDF, the exports through the overview);
- ``budget_warnings``: the overview's warnings (the panel shows the first three, the portfolio
  all but the projection, which is its own "Geld blijft over" alert);
- ``StreamBlock.projection``: the spending rate extrapolated to the window's end.

``MunicipalityBudget`` holds one municipality's read and computes each figure once.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import CharField, Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import TruncMonth
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgets.models import (
    EFFECTIVE_PERFORMANCE_DATE,
    Allocation,
    Commitment,
    FundingStream,
    PlannedAmount,
    Spending,
)
from budgets.periods import period_of, period_parse
from budgets.streams import category_label, category_sort_key
from core.money import ZERO, format_money, to_money
from core.prepared import Prepared

DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12


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
    has_estimate: bool = False  # an allocation marked as estimate (no beschikking yet)
    has_decided: bool = False  # an allocation not marked as estimate
    estimated: Decimal = ZERO  # of total.allocated: the allocations marked as estimate
    projection: Projection | None = None
    # Month (of the prestatiedatum; planned money: the first month of its period) -> figures:
    # the overview's chart and the calendar years of the SiSa summary.
    by_month: dict[datetime.date, Figures] = field(default_factory=lambda: defaultdict(Figures))
    spent_to_date: Decimal = ZERO  # spending inside the window up to the reference date
    # "commitment"/"spending" -> (amount, rows) dated outside the stream's window.
    outside: dict[str, tuple[Decimal, int]] = field(default_factory=dict)

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


def _date(d: datetime.date) -> str:
    return formats.date_format(d, "j F Y")


# --- The one read ----------------------------------------------------------------------------


@dataclass
class MunicipalityBudget:
    """One municipality's budget read; each figure is computed once, on first use."""

    municipality_id: int
    as_of: datetime.date
    blocks: list[StreamBlock]  # in the streams' order

    @cached_property
    def total(self) -> Figures:
        return budget_total(self.blocks)

    @cached_property
    def warnings(self) -> list[BudgetWarning]:
        return budget_warnings(self.blocks)


# The one read's queries, each built and compiled by Django once per process and shape (number
# of municipalities, with or without a cycle, with or without categories), then run with the
# request's values: building and compiling these annotated queries cost several times what the
# database takes to answer them (issue 23). The municipalities are parameters m0, m1, ….

_PERFORMED = EFFECTIVE_PERFORMANCE_DATE
# Dated outside the stream's window (by prestatiedatum).
_OUTSIDE = (
    Q(stream__window_start__isnull=False) & LessThan(_PERFORMED, F("stream__window_start"))
) | (Q(stream__window_end__isnull=False) & GreaterThan(_PERFORMED, F("stream__window_end")))

_streams = Prepared(lambda: FundingStream.objects.all())


def budget_streams() -> list[FundingStream]:
    """Every funding stream, in the streams' order: what ``budget_figures`` reads first (pass
    them as its ``streams`` when the page needs them too)."""
    return _streams()


def _ids(n: int) -> list[str]:
    return [f"m{i}" for i in range(n)]


def _examples(n: int, **more) -> dict:
    return {**dict.fromkeys(_ids(n), 0), **more}


def _filters(n: int, values: dict, cycle: bool) -> Q:
    ids = [values[name] for name in _ids(n)]
    q = Q(municipality__in=ids) if n > 1 else Q(municipality_id=ids[0])
    if cycle:
        q &= Q(spending_goal__cycle_id=values["cycle_id"])
    return q


def _allocation_rows(n: int, v: dict, by_category: bool):
    """Allocations per stream and period (allocations have no category: NULL)."""
    category = {"category": Value(None, output_field=CharField())} if by_category else {}
    return (
        Allocation.objects.filter(_filters(n, v, cycle=False))
        .annotate(kind=Value("allocation"), **category)
        .values("kind", "municipality_id", "stream_id", "period", *category)
        .annotate(
            total=Sum("amount"),
            estimated=Sum("amount", filter=Q(is_estimate=True)),
            estimates=Count("pk", filter=Q(is_estimate=True)),
            decided=Count("pk", filter=Q(is_estimate=False)),
        )
        .order_by()
    )


def _planned_rows(n: int, v: dict, cycle: bool, by_category: bool):
    """Planned amounts per stream and period (and category)."""
    category = {"category": F("spending_goal__category")} if by_category else {}
    return (
        PlannedAmount.objects.filter(_filters(n, v, cycle))
        .annotate(kind=Value("planned"), **category)
        .values("kind", "municipality_id", "stream_id", "period", *category)
        .annotate(
            total=Sum("amount"),
            estimated=Value(None, output_field=DecimalField()),
            estimates=Value(0),
            decided=Value(0),
        )
        .order_by()
    )


def _prefixed(prefix: str, values: dict) -> dict:
    """``values`` as the parameters of one half of a UNION ALL: a prepared parameter reaches
    the SQL once, so each half has its own, under its prefix."""
    return {f"{prefix}{name}": value for name, value in values.items()}


def _half(prefix: str, values: dict) -> dict:
    """The parameters of the half with ``prefix``, under their own names (``_prefixed`` undone)."""
    return {name[len(prefix) :]: v for name, v in values.items() if name.startswith(prefix)}


@functools.lru_cache(maxsize=64)
def _allocated_planned_query(n: int, cycle: bool, by_category: bool) -> Prepared:
    """Allocations and planned amounts per stream and period (and category) in one query
    (UNION ALL, each row with its ``kind``; parameters ``a_…`` and ``p_…``)."""

    def build(**values):
        return (
            _allocation_rows(n, _half("a_", values), by_category)
            .union(_planned_rows(n, _half("p_", values), cycle, by_category), all=True)
            .order_by()
        )

    planned = _examples(n, **({"cycle_id": 0} if cycle else {}))
    return Prepared(build, **_prefixed("a_", _examples(n)), **_prefixed("p_", planned))


def _transaction_rows(model, kind: str, n: int, v: dict, cycle: bool, by_category: bool):
    category = ["spending_goal__category"] if by_category else []
    return (
        model.objects.filter(_filters(n, v, cycle))
        .annotate(kind=Value(kind), month=TruncMonth(_PERFORMED))
        .values("kind", "municipality_id", "stream_id", "month", *category)
        .annotate(
            total=Sum("amount"),
            to_date=Sum("amount", filter=Q(date__lte=v["as_of"]) & ~_OUTSIDE),
            outside_total=Sum("amount", filter=_OUTSIDE),
            outside_count=Count("pk", filter=_OUTSIDE),
        )
        .order_by()
    )


@functools.lru_cache(maxsize=64)
def _transaction_query(n: int, cycle: bool, by_category: bool) -> Prepared:
    """Commitments and spending per stream and month of their prestatiedatum (the date the cost
    belongs to; empty: the booking date), as the final accounting counts them, in one query
    (UNION ALL, each row with its ``kind``). The same read sums, per group, what lies inside the
    window up to the reference date (the rate of the projection) and what lies outside the
    window. Parameters ``c_…`` and ``s_…`` (``_prefixed``)."""

    def build(**values):
        commitments, spending = _half("c_", values), _half("s_", values)
        return (
            _transaction_rows(Commitment, "commitment", n, commitments, cycle, by_category)
            .union(
                _transaction_rows(Spending, "spending", n, spending, cycle, by_category), all=True
            )
            .order_by()
        )

    examples = _examples(n, as_of=datetime.date(2000, 1, 1), **({"cycle_id": 0} if cycle else {}))
    return Prepared(build, **_prefixed("c_", examples), **_prefixed("s_", examples))


def budget_figures(
    *,
    municipality_ids: list[int],
    cycle=None,
    as_of: datetime.date | None = None,
    by_category: bool = False,
    streams: list[FundingStream] | None = None,
) -> dict[int, MunicipalityBudget]:
    """Per municipality id: its stream blocks, from three queries whatever the number of rows or
    municipalities (the streams, allocations with planned amounts, commitments with spending),
    each compiled once per process.

    ``cycle`` limits planning, commitments and spending to that cycle's spending goals
    (allocations are the municipality's and always whole); ``as_of`` is the reference date of the
    projection (default today); ``by_category`` also groups by the spending goal's category (the
    overview's table; the panel and the portfolio need no categories). ``streams``: every
    funding stream, when the caller has them already (then two queries).
    """
    as_of = as_of or timezone.localdate()
    ids = list(dict.fromkeys(municipality_ids))
    result = {pk: MunicipalityBudget(pk, as_of, []) for pk in ids}
    if not ids:
        return result
    streams = {s.pk: s for s in (budget_streams() if streams is None else streams)}
    blocks: dict[tuple[int, int], StreamBlock] = {}
    n = len(ids)
    values = {f"m{i}": pk for i, pk in enumerate(ids)}
    with_cycle = cycle is not None
    if with_cycle:
        values["cycle_id"] = cycle.pk

    def block(row) -> StreamBlock:
        key = (row["municipality_id"], row["stream_id"])
        if key not in blocks:
            blocks[key] = StreamBlock(stream=streams[row["stream_id"]])
        return blocks[key]

    allocated = {k: v for k, v in values.items() if k != "cycle_id"}  # a municipality's, whole
    halves = {**_prefixed("a_", allocated), **_prefixed("p_", values)}
    for row in _allocated_planned_query(n, with_cycle, by_category)(**halves):
        b = block(row)
        # to_money: SQLite sums decimals as floats; quantizing to cents keeps them exact.
        amount = to_money(row["total"])
        if row["kind"] == "allocation":
            b.by_period[row["period"]].allocated += amount
            b.total.allocated += amount
            b.has_estimate |= row["estimates"] > 0
            b.has_decided |= row["decided"] > 0
            if row["estimates"]:
                b.estimated += to_money(row["estimated"])
            continue
        b.by_period[row["period"]].planned += amount
        b.total.planned += amount
        # Labels are validated on the way in, so they parse.
        b.by_month[period_parse(row["period"]).start].planned += amount
        if by_category:
            b.by_category[row["category"]].planned += amount

    attrs = {"commitment": "committed", "spending": "spent"}
    dated = {**values, "as_of": as_of}
    halves = {**_prefixed("c_", dated), **_prefixed("s_", dated)}
    for row in _transaction_query(n, with_cycle, by_category)(**halves):
        kind = row["kind"]
        attr = attrs[kind]
        b = block(row)
        amount = to_money(row["total"])
        month = row["month"]
        if isinstance(month, datetime.datetime):  # some backends return datetimes
            month = month.date()
        cells = [b.total, b.by_period[period_of(month, b.stream.period_kind).label]]
        cells.append(b.by_month[month])
        if by_category:
            cells.append(b.by_category[row["spending_goal__category"]])
        for figures in cells:
            setattr(figures, attr, getattr(figures, attr) + amount)
        if kind == "spending" and row["to_date"] is not None:
            b.spent_to_date += to_money(row["to_date"])
        if row["outside_count"]:
            total, count = b.outside.get(kind, (ZERO, 0))
            b.outside[kind] = (
                total + to_money(row["outside_total"]),
                count + row["outside_count"],
            )

    for (municipality_id, _stream_id), b in sorted(
        blocks.items(),
        key=lambda item: (item[0][0], item[1].stream.sort_order, item[1].stream.name),
    ):
        b.projection = _projection(b, b.spent_to_date, as_of)
        result[municipality_id].blocks.append(b)
    return result


def budget_figures_for(
    *, municipality, cycle=None, as_of: datetime.date | None = None, by_category: bool = False
) -> MunicipalityBudget:
    """``budget_figures`` of one municipality."""
    return budget_figures(
        municipality_ids=[municipality.pk], cycle=cycle, as_of=as_of, by_category=by_category
    )[municipality.pk]


# --- One function per figure -------------------------------------------------------------------


def budget_total(blocks: list[StreamBlock]) -> Figures:
    """Allocated, planned, committed and spent (and free) over all streams."""
    total = Figures()
    for b in blocks:
        total.add(b.total)
    return total


def budget_warnings(blocks: list[StreamBlock]) -> list[BudgetWarning]:
    """The warnings, per stream in the streams' order, then the rows outside a window."""
    warnings: list[BudgetWarning] = []
    for b in blocks:
        warnings.extend(_stream_warnings(b))
    for kind in ("commitment", "spending"):
        for b in blocks:
            if kind in b.outside:
                amount, count = b.outside[kind]
                warnings.append(_outside_window_warning(b.stream, kind, amount, count))
    return warnings


def _outside_window_warning(
    stream: FundingStream, kind: str, amount: Decimal, count: int
) -> BudgetWarning:
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
    values = {
        "count": count,
        "stream": stream.name,
        "amount": format_money(amount),
        "window": _window_text(stream),
    }
    return BudgetWarning(f"outside_window_{kind}", text % values, stream)


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
    window = None  # the window's text, written once when a warning needs it
    for label, figures in b.periods:
        if not (figures.allocated or figures.planned):
            continue  # only spending falls in this period: the window check of dates covers it
        period = period_parse(label)
        outside_whole = (start and period.end < start) or (end and period.start > end)
        partly = (start and period.start < start) or (end and period.end > end)
        if not (outside_whole or partly):
            continue
        window = window or _window_text(stream)
        values = {"stream": stream.name, "period": label, "window": window}
        if outside_whole:
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
