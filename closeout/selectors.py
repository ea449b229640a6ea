"""Reads of the final accounting: the one source of its figures, SiSa lines and outputs.

Everything a page, the snapshot, the SiSa files and the accountant's PDF show comes from
``accounting_figures`` (and the checks in ``closeout.checks`` built on it), so no figure exists
twice. It runs a fixed number of queries whatever the number of spending rows: the spending is
summed in the database, grouped by month of its prestatiedatum, category and in/out of window.

The rules (DOMAIN.md, "Closing the NPO"):

* A spending row counts by its *prestatiedatum* (``performance_date``, empty: its booking date),
  not by when it was booked.
* **Eligible** = prestatiedatum inside the stream's window AND the spending goal's category
  allowed for the stream (``ALLOWED_CATEGORIES``).
* Eligible spending is charged to the grant up to the beschikking, in the order of the years;
  what lies above it is **eigen middelen** (the municipality's own money), not grant spending.
* **Unspent** = beschikking − eligible spending (not below zero: the excess is eigen middelen).
* SiSa line of year T = the eligible spending charged to the grant in year T (*besteding ten laste
  van rijksmiddelen*). The value already reported in the accounts over T minus the value computed
  now is the *correctie voorgaande jaren*.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Case, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.shortcuts import get_object_or_404

from budgets.models import Beschikking, Commitment, FundingStream, Spending
from budgets.sisa import SisaYear, sisa_dataset
from budgets.streams import (
    ALL_CATEGORY_CODES,
    STREAM_CATEGORIES,
    category_label,
    category_sort_key,
)
from closeout.models import FinalAccounting, IndicatorText, LedgerAmount, ReportedSisaValue
from core.money import ZERO
from core.prepared import Prepared
from municipalities.models import Municipality

# Which spending-goal categories a stream's money may pay for, by stream code: each stream's own
# categories, from the one definition in budgets.streams (the NPO: the six bestedingsdoelen of its
# regulation; GOAB/OAB: the purposes of its specific grant; School en Omgeving: its own). A stream
# not named here allows every category: its regulation has no categories of its own, and the
# eligibility of its spending is then the window alone.
ALLOWED_CATEGORIES: dict[str, frozenset[str]] = {
    code: frozenset(c for c, _label in pairs) for code, pairs in STREAM_CATEGORIES.items()
}


def allowed_categories(stream: FundingStream) -> frozenset[str]:
    return ALLOWED_CATEGORIES.get(stream.code, ALL_CATEGORY_CODES)


def closeout_streams() -> QuerySet[FundingStream]:
    """The streams that get a final accounting: SiSa streams with a window, the NPO first."""
    return FundingStream.objects.filter(
        is_sisa=True, window_start__isnull=False, window_end__isnull=False
    ).order_by("sort_order", "name")


def closeout_stream_get(*, code: str) -> FundingStream:
    """A stream with a final accounting, by code; 404 for any other."""
    return get_object_or_404(closeout_streams(), code=code)


def final_accounting_get(*, municipality: Municipality, stream: FundingStream):
    """The municipality's final accounting of ``stream``, or None when nobody started it."""
    return (
        FinalAccounting.objects.for_municipality(municipality)
        .filter(stream=stream)
        .select_related("stream", "prepared_by", "checked_by", "finalised_by")
        .first()
    )


def final_accountings_by_stream(*, municipality: Municipality) -> dict[int, FinalAccounting]:
    rows = FinalAccounting.objects.for_municipality(municipality).select_related("stream")
    return {row.stream_id: row for row in rows}


@dataclass
class YearFigures:
    """Spending on the stream in one calendar year (or school year), by prestatiedatum."""

    label: str
    year: int  # the calendar year, or the first year of the school year
    eligible: Decimal = ZERO
    outside_window: Decimal = ZERO  # prestatiedatum before or after the window
    category_not_allowed: Decimal = ZERO  # inside the window, but a category the stream excludes
    charged: Decimal = ZERO  # eligible and charged to the grant (up to the beschikking)
    own_funds: Decimal = ZERO  # eligible above the beschikking: eigen middelen
    ledger: Decimal | None = None  # the grootboek amount the municipality entered (calendar)

    @property
    def ineligible(self) -> Decimal:
        return self.outside_window + self.category_not_allowed

    @property
    def total(self) -> Decimal:
        return self.eligible + self.ineligible

    @property
    def ledger_difference(self) -> Decimal | None:
        """Eligible spending minus the grootboek amount (None: no grootboek amount entered)."""
        return None if self.ledger is None else self.eligible - self.ledger


@dataclass
class SisaLine:
    """One year T of the SiSa annex."""

    year: int
    computed: Decimal  # charged to the grant in year T, computed now
    cumulative: Decimal  # charged to the grant up to and including year T
    reported: Decimal | None  # what the accounts over T said (entered by editors)
    is_final_year: bool  # "eindverantwoording ja"
    indicators: list[IndicatorText] = field(default_factory=list)
    dataset: SisaYear | None = None  # budgets' SiSa data set of year T (booking date, commitments)

    @property
    def correction(self) -> Decimal | None:
        """Correctie voorgaande jaren: computed now minus reported then (None: nothing reported)."""
        return None if self.reported is None else self.computed - self.reported


@dataclass
class CategoryRow:
    category: str
    label: str
    by_year: dict[int, Decimal]
    total: Decimal


@dataclass
class AccountingFigures:
    municipality: Municipality
    stream: FundingStream
    window_start: datetime.date
    window_end: datetime.date
    final_year: int
    beschikkingen: list[Beschikking]
    years: list[YearFigures]  # calendar years, from the window's first year to the final year
    school_years: list[YearFigures]
    categories: list[CategoryRow]  # eligible spending per category and calendar year
    sisa_lines: list[SisaLine]
    allowed_categories: frozenset[str]

    @property
    def beschikking(self) -> Beschikking | None:
        """The latest letter: its amount is the total granted (a wijziging states the new total,
        a vaststelling the amount granted before it)."""
        return self.beschikkingen[-1] if self.beschikkingen else None

    @property
    def vaststelling(self) -> Beschikking | None:
        rows = [b for b in self.beschikkingen if b.kind == Beschikking.Kind.VASTSTELLING]
        return rows[-1] if rows else None

    @property
    def granted(self) -> Decimal:
        return self.beschikking.amount if self.beschikking else ZERO

    @property
    def eligible(self) -> Decimal:
        return sum((y.eligible for y in self.years), ZERO)

    @property
    def outside_window(self) -> Decimal:
        return sum((y.outside_window for y in self.years), ZERO)

    @property
    def category_not_allowed(self) -> Decimal:
        return sum((y.category_not_allowed for y in self.years), ZERO)

    @property
    def ineligible(self) -> Decimal:
        return self.outside_window + self.category_not_allowed

    @property
    def charged(self) -> Decimal:
        return sum((y.charged for y in self.years), ZERO)

    @property
    def own_funds(self) -> Decimal:
        return sum((y.own_funds for y in self.years), ZERO)

    @property
    def unspent(self) -> Decimal:
        """Beschikking − eligible spending; never below zero (the excess is eigen middelen)."""
        return max(self.granted - self.eligible, ZERO)


def _school_year_start(year: int, month: int) -> int:
    return year if month >= 8 else year - 1


def _spending_groups(*, municipality, stream, allowed) -> list[dict]:
    """One query: spending of the stream summed per month of prestatiedatum, category and
    whether the prestatiedatum lies inside the window."""
    in_window = Q(
        effective_performance_date__gte=stream.window_start,
        effective_performance_date__lte=stream.window_end,
    )
    return list(
        Spending.objects.for_municipality(municipality)
        .filter(stream=stream)
        .with_effective_performance_date()
        .annotate(
            y=ExtractYear("effective_performance_date"),
            m=ExtractMonth("effective_performance_date"),
            in_window=Case(When(in_window, then=Value(True)), default=Value(False)),
            category_ok=Case(
                When(spending_goal__category__in=allowed, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            category=F("spending_goal__category"),
        )
        .values("y", "m", "in_window", "category_ok", "category")
        .annotate(total=Sum("amount"))
        .order_by()
    )


def accounting_figures(
    *,
    municipality: Municipality,
    stream: FundingStream,
    accounting: FinalAccounting | None = None,
    as_of: datetime.date | None = None,
) -> AccountingFigures:
    """The figures of the final accounting of ``stream``. ``accounting`` (None: not started)
    gives the final year, the reported SiSa values and the grootboek amounts."""
    allowed = allowed_categories(stream)
    final_year = accounting.final_year if accounting else stream.window_end.year
    first_year = stream.window_start.year
    groups = _spending_groups(municipality=municipality, stream=stream, allowed=allowed)

    calendar: dict[int, YearFigures] = {}
    school: dict[int, YearFigures] = {}
    by_category: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))

    def year_row(year: int) -> YearFigures:
        return calendar.setdefault(year, YearFigures(label=str(year), year=year))

    def school_row(year: int) -> YearFigures:
        return school.setdefault(year, YearFigures(label=f"{year}-{year + 1}", year=year))

    for year in range(first_year, final_year + 1):
        year_row(year)
    # Every school year the window touches (1 July 2021 lies in 2020-2021), with or without spending.
    start, end = stream.window_start, stream.window_end
    for year in range(
        _school_year_start(start.year, start.month), _school_year_start(end.year, end.month) + 1
    ):
        school_row(year)
    for group in groups:
        total = group["total"] or ZERO
        targets = (year_row(group["y"]), school_row(_school_year_start(group["y"], group["m"])))
        for row in targets:
            if not group["in_window"]:
                row.outside_window += total
            elif not group["category_ok"]:
                row.category_not_allowed += total
            else:
                row.eligible += total
        if group["in_window"] and group["category_ok"]:
            by_category[group["category"]][group["y"]] += total

    beschikkingen = list(
        Beschikking.objects.for_municipality(municipality)
        .filter(stream=stream)
        .order_by("date", "pk")
    )
    granted = beschikkingen[-1].amount if beschikkingen else ZERO
    years = [calendar[y] for y in sorted(calendar)]
    _charge(years, granted)
    _charge([school[y] for y in sorted(school)], granted)

    reported: dict[int, Decimal] = {}
    if accounting is not None:
        ledger = dict(
            LedgerAmount.objects.for_municipality(municipality)
            .filter(accounting=accounting)
            .values_list("year", "amount")
        )
        for row in years:
            row.ledger = ledger.get(row.year)
        reported = dict(
            ReportedSisaValue.objects.for_municipality(municipality)
            .filter(accounting=accounting)
            .values_list("year", "amount")
        )

    indicators: dict[int, list[IndicatorText]] = defaultdict(list)
    for text in IndicatorText.objects.filter(stream=stream, year__lte=final_year):
        indicators[text.year].append(text)
    dataset = {
        row.year: row
        for row in sisa_dataset(municipality=municipality, as_of=as_of)
        if row.stream.pk == stream.pk
    }
    lines = []
    cumulative = ZERO
    for row in years:
        if row.year > final_year:
            continue
        cumulative += row.charged
        lines.append(
            SisaLine(
                year=row.year,
                computed=row.charged,
                cumulative=cumulative,
                reported=reported.get(row.year),
                is_final_year=row.year == final_year,
                indicators=indicators.get(row.year, []),
                dataset=dataset.get(row.year),
            )
        )

    # Every category with eligible spending, the stream's own or not, with its label: none
    # vanishes from the totals.
    categories = [
        CategoryRow(
            category=code,
            label=category_label(code),
            by_year=dict(by_category[code]),
            total=sum(by_category[code].values(), ZERO),
        )
        for code in sorted(by_category, key=lambda c: (category_sort_key(c), c))
    ]
    return AccountingFigures(
        municipality=municipality,
        stream=stream,
        window_start=stream.window_start,
        window_end=stream.window_end,
        final_year=final_year,
        beschikkingen=beschikkingen,
        years=years,
        school_years=[school[y] for y in sorted(school)],
        categories=categories,
        sisa_lines=lines,
        allowed_categories=allowed,
    )


def _charge(rows: list[YearFigures], granted: Decimal) -> None:
    """Charge eligible spending to the grant in the order of ``rows`` until the beschikking is
    used up; the rest of each row is eigen middelen. A negative year (credit notes) gives back."""
    charged_so_far = ZERO
    eligible_so_far = ZERO
    for row in rows:
        eligible_so_far += row.eligible
        capped = min(max(eligible_so_far, ZERO), granted)
        row.charged = capped - charged_so_far
        row.own_funds = row.eligible - row.charged
        charged_so_far = capped


@dataclass(frozen=True)
class OpenCommitment:
    spending_goal_id: int
    title: str
    committed: Decimal
    spent: Decimal

    @property
    def open(self) -> Decimal:
        return self.committed - self.spent


def open_commitments(*, municipality: Municipality, stream: FundingStream) -> list[OpenCommitment]:
    """Per spending goal: commitments dated up to the window's end minus spending with a
    prestatiedatum up to the window's end, where that leaves money committed but not paid."""
    end = stream.window_end
    committed = {
        row["spending_goal"]: row
        for row in Commitment.objects.for_municipality(municipality)
        .filter(stream=stream, date__lte=end)
        .values("spending_goal", "spending_goal__title")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    spent = dict(
        Spending.objects.for_municipality(municipality)
        .filter(stream=stream)
        .with_effective_performance_date()
        .filter(effective_performance_date__lte=end)
        .values("spending_goal")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("spending_goal", "total")
    )
    rows = [
        OpenCommitment(
            spending_goal_id=goal_id,
            title=row["spending_goal__title"],
            committed=row["total"] or ZERO,
            spent=spent.get(goal_id) or ZERO,
        )
        for goal_id, row in committed.items()
    ]
    return sorted((r for r in rows if r.open > 0), key=lambda r: (r.title, r.spending_goal_id))


# --- Deadlines and the portfolio's close-out columns ---------------------------------------------


def last_moment(stream: FundingStream) -> datetime.date:
    """The regulation's last moment for the final accounting of ``stream``: the accounts over
    the year after the window's last year (T at the latest) reach the ministry by 15 July T+1
    (Regeling informatieverstrekking sisa, art. 2). For the NPO: ``core.npo.NPO_LAST_MOMENT``."""
    # Imported here: this section is appended to the module (its imports belong to others' edits).
    from budgets.estimate import NPO_STREAM_CODE
    from core.npo import NPO_LAST_MOMENT

    if stream.code == NPO_STREAM_CODE:
        return NPO_LAST_MOMENT
    return datetime.date(stream.window_end.year + 2, 7, 15)


@dataclass(frozen=True)
class Deadline:
    """A date and how many days are left until it (negative: past it)."""

    date: datetime.date
    days_left: int

    @classmethod
    def of(cls, date: datetime.date, today: datetime.date) -> "Deadline":
        return cls(date=date, days_left=(date - today).days)

    @property
    def is_overdue(self) -> bool:
        return self.days_left < 0

    @property
    def text(self) -> str:
        """'nog 45 dagen', 'vandaag' or '10 dagen over tijd'."""
        from django.utils.translation import gettext as _
        from django.utils.translation import ngettext

        if self.days_left == 0:
            return _("vandaag")
        if self.days_left > 0:
            return ngettext("nog %(n)s dag", "nog %(n)s dagen", self.days_left) % {
                "n": self.days_left
            }
        late = -self.days_left
        return ngettext("%(n)s dag over tijd", "%(n)s dagen over tijd", late) % {"n": late}


@dataclass
class CloseoutSummary:
    """One municipality's final accounting of a stream in a line: the portfolio's columns."""

    municipality_id: int
    status: str  # CLOSEOUT_* below
    blocking: int  # the number of blocking checks (closeout.checks), as the workspace shows them
    internal_deadline: Deadline | None
    last_moment: Deadline


# The close-out status of a municipality, in the order of progress (the portfolio sorts on it).
CLOSEOUT_NONE = "geen"
CLOSEOUT_CONCEPT = FinalAccounting.Status.CONCEPT.value
CLOSEOUT_CHECKED = FinalAccounting.Status.CHECKED.value
CLOSEOUT_FINAL = FinalAccounting.Status.FINAL.value
CLOSEOUT_GIVEN = "gegeven"  # given in earlier accounts (outside the platform)
CLOSEOUT_ORDER = [
    CLOSEOUT_NONE,
    CLOSEOUT_CONCEPT,
    CLOSEOUT_CHECKED,
    CLOSEOUT_FINAL,
    CLOSEOUT_GIVEN,
]


def closeout_status_choices() -> list[tuple[str, str]]:
    from django.utils.translation import gettext_lazy

    return [
        (CLOSEOUT_NONE, gettext_lazy("Geen eindverantwoording")),
        (CLOSEOUT_CONCEPT, gettext_lazy("Concept")),
        (CLOSEOUT_CHECKED, gettext_lazy("Gecontroleerd")),
        (CLOSEOUT_FINAL, gettext_lazy("Definitief")),
        (CLOSEOUT_GIVEN, gettext_lazy("Gegeven in een eerdere jaarrekening")),
    ]


class _CloseoutQueries:
    """``closeout_summaries``' five reads for ``n`` municipalities (parameters m0, m1, …) and a
    stream's allowed categories, each compiled once per process (core.prepared): building these
    annotated queries cost the portfolio several times what the database takes to answer them."""

    def __init__(self, n: int, allowed: tuple[str, ...]):
        names = [f"m{i}" for i in range(n)]
        ids = lambda values: [values[name] for name in names]  # noqa: E731
        of = dict.fromkeys(names, 0)
        day = datetime.date(2000, 1, 1)
        self.accountings = Prepared(
            lambda stream_id, **m: FinalAccounting.objects.filter(
                municipality__in=ids(m), stream_id=stream_id
            ),
            stream_id=0,
            **of,
        )
        self.spending = Prepared(
            lambda stream_id, start, end, **m: (
                Spending.objects.filter(municipality__in=ids(m), stream_id=stream_id)
                .with_effective_performance_date()
                .annotate(
                    y=ExtractYear("effective_performance_date"),
                    before_start=_flag(Q(effective_performance_date__lt=start)),
                    after_end=_flag(Q(effective_performance_date__gt=end)),
                    category_ok=_flag(Q(spending_goal__category__in=allowed)),
                )
                .values(
                    "municipality_id",
                    "spending_goal_id",
                    "y",
                    "before_start",
                    "after_end",
                    "category_ok",
                )
                .annotate(total=Sum("amount"))
                .order_by()
            ),
            stream_id=0,
            start=day,
            end=day,
            **of,
        )
        self.beschikkingen = Prepared(
            lambda stream_id, **m: (
                Beschikking.objects.filter(municipality__in=ids(m), stream_id=stream_id)
                .values_list("municipality_id", flat=True)
                .order_by()
                .distinct()
            ),
            stream_id=0,
            **of,
        )
        self.committed = Prepared(
            lambda stream_id, end, **m: (
                Commitment.objects.filter(
                    municipality__in=ids(m), stream_id=stream_id, date__lte=end
                )
                .values("municipality_id", "spending_goal_id")
                .annotate(total=Sum("amount"))
                .order_by()
            ),
            stream_id=0,
            end=day,
            **of,
        )
        self.ledger = Prepared(
            lambda stream_id, **m: LedgerAmount.objects.filter(
                municipality__in=ids(m), accounting__stream_id=stream_id
            ).values_list("municipality_id", "year", "amount"),
            stream_id=0,
            **of,
        )


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


@functools.lru_cache(maxsize=64)
def _closeout_queries(n: int, allowed: frozenset[str]) -> _CloseoutQueries:
    return _CloseoutQueries(n, tuple(sorted(allowed)))


def closeout_summaries(
    *, municipality_ids: list[int], stream: FundingStream, today: datetime.date
) -> dict[int, CloseoutSummary]:
    """Per municipality: the status of its final accounting of ``stream``, its number of blocking
    checks and its deadlines, in a fixed number of queries whatever the number of municipalities.

    The blocking checks follow ``closeout.checks.accounting_checks`` rule for rule (spending
    outside the window, a category the stream excludes, no beschikking, open commitments per
    spending goal, per year a missing or differing grootboek amount); a test compares the two for
    every case, so the portfolio and the workspace never disagree.
    """
    ids = list(municipality_ids)
    if not ids:
        return {}
    start, end = stream.window_start, stream.window_end
    queries = _closeout_queries(len(ids), allowed_categories(stream))
    by_id = {f"m{i}": pk for i, pk in enumerate(ids)}
    accountings = {
        row.municipality_id: row for row in queries.accountings(**by_id, stream_id=stream.pk)
    }
    final_years = {
        pk: (accountings[pk].final_year if pk in accountings else end.year) for pk in ids
    }

    # Spending per municipality, spending goal and calendar year of prestatiedatum, with where
    # it lies: before the window, after it, in a category the stream excludes. From it: per year
    # the eligible amount, the amounts outside the window or not allowed, and per spending goal
    # what was spent up to the window's end (to close its commitments).
    outside = defaultdict(lambda: ZERO)
    not_allowed = defaultdict(lambda: ZERO)
    eligible: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    spent: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for row in queries.spending(**by_id, stream_id=stream.pk, start=start, end=end):
        pk, total = row["municipality_id"], row["total"] or ZERO
        if not row["after_end"]:
            spent[pk, row["spending_goal_id"]] += total
        if row["before_start"] or row["after_end"]:
            outside[pk] += total
        elif not row["category_ok"]:
            not_allowed[pk] += total
        else:
            eligible[pk][row["y"]] += total

    with_beschikking = set(queries.beschikkingen(**by_id, stream_id=stream.pk))

    # Open commitments per spending goal up to the window's end (closeout.selectors.open_commitments).
    open_count: dict[int, int] = defaultdict(int)
    for row in queries.committed(**by_id, stream_id=stream.pk, end=end):
        key = (row["municipality_id"], row["spending_goal_id"])
        if (row["total"] or ZERO) - spent.get(key, ZERO) > 0:
            open_count[key[0]] += 1

    ledger: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for municipality_id, year, amount in queries.ledger(**by_id, stream_id=stream.pk):
        ledger[municipality_id][year] = amount

    last = Deadline.of(last_moment(stream), today)
    summaries = {}
    for pk in ids:
        count = int(bool(outside[pk])) + int(bool(not_allowed[pk]))
        count += int(pk not in with_beschikking) + open_count[pk]
        for year in range(start.year, final_years[pk] + 1):
            amount = eligible[pk][year]
            booked = ledger[pk].get(year)
            if (booked is None and amount) or (booked is not None and amount - booked):
                count += 1
        accounting = accountings.get(pk)
        if accounting is None:
            status = CLOSEOUT_NONE
        elif accounting.given_year is not None and accounting.status != CLOSEOUT_FINAL:
            status = CLOSEOUT_GIVEN
        else:
            status = accounting.status
        deadline = accounting.internal_deadline if accounting else None
        summaries[pk] = CloseoutSummary(
            municipality_id=pk,
            status=status,
            blocking=count,
            internal_deadline=Deadline.of(deadline, today) if deadline else None,
            last_moment=last,
        )
    return summaries
