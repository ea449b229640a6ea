"""Comparisons across an advisor's portfolio: each municipality against the portfolio average.

Only the municipalities from ``advisor_municipalities(user)`` enter any query here, so the
average is over the advisor's own municipalities and never includes anyone else's data. The
average is the plain mean of the municipalities' own figures (each municipality counts once,
whatever its size), which is what an advisor compares against.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from analyses.models import DOMAIN_FIELDS, RECEIVED_STATUSES, Delay, SchoolAnalysis
from budgets.models import Spending
from core.npo import SpendingCategory
from cycles.models import Phase
from municipalities.models import Municipality
from schools.models import Intervention
from schools.selectors import latest_pupil_year, pupils_on

CENT = Decimal("0.01")


@dataclass
class Cell:
    value: Decimal | None  # rounded to cents, as shown
    average: Decimal | None
    exact_value: Decimal | None = None  # unrounded: percentages are computed from these
    exact_average: Decimal | None = None

    @property
    def difference_percent(self) -> int | None:
        """How far above (+) or below (-) the portfolio average, in whole percent.

        From the unrounded values: two rounded amounts (€ 0,03 against € 0,01) would make 200%
        into 202%."""
        value = self.exact_value if self.exact_value is not None else self.value
        average = self.exact_average if self.exact_average is not None else self.average
        if value is None or not average:
            return None
        return int(((value - average) / average * 100).to_integral_value(ROUND_HALF_UP))


@dataclass
class MatrixRow:
    municipality: Municipality
    cells: list[Cell]
    pupils: int | None = None  # the denominator, where a figure is per pupil


@dataclass
class Matrix:
    columns: list[tuple[str, str]]  # (code, label)
    rows: list[MatrixRow]
    averages: list[Decimal | None]
    note: str = ""


def _mean(values: list[Decimal]) -> Decimal | None:
    """The exact mean (rounded only for display)."""
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, ROUND_HALF_UP)


def _matrix(
    municipalities: list[Municipality],
    columns: list[tuple[str, str]],
    values: dict[tuple[int, str], Decimal | None],
) -> Matrix:
    """``values`` are exact; the cells show them rounded to cents and compare them unrounded."""
    averages = []
    for code, _label in columns:
        present = [
            values[(m.pk, code)] for m in municipalities if values.get((m.pk, code)) is not None
        ]
        averages.append(_mean(present))
    rows = [
        MatrixRow(
            municipality=m,
            cells=[
                Cell(
                    _cents(values.get((m.pk, code))),
                    _cents(averages[index]),
                    values.get((m.pk, code)),
                    averages[index],
                )
                for index, (code, _label) in enumerate(columns)
            ],
        )
        for m in municipalities
    ]
    return Matrix(columns=columns, rows=rows, averages=[_cents(a) for a in averages])


def pupil_totals(*, municipalities: list[Municipality]) -> tuple[int | None, dict[int, int]]:
    """Pupils per municipality on 1 October of the latest year loaded (the schools selector)."""
    year = latest_pupil_year()
    if year is None:
        return None, {}
    totals = pupils_on(municipalities=municipalities, year=year)
    return year, {pk: total.pupils for pk, total in totals.items()}


def spending_per_pupil(*, municipalities: list[Municipality]) -> tuple[Matrix, int | None]:
    """Money spent per pupil per spending-goal category (and in total)."""
    year, pupils = pupil_totals(municipalities=municipalities)
    spent: dict[tuple[int, str], Decimal] = {}
    for row in (
        Spending.objects.filter(municipality__in=municipalities)
        .values("municipality_id", "spending_goal__category")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        spent[(row["municipality_id"], row["spending_goal__category"])] = row["total"]
    columns = [(c.value, c.label) for c in SpendingCategory] + [("total", "Totaal")]
    values: dict[tuple[int, str], Decimal | None] = {}
    for m in municipalities:
        n = pupils.get(m.pk)
        if not n:
            continue  # no pupil count: per pupil is undefined, not zero
        total = Decimal(0)
        for category in SpendingCategory:
            amount = spent.get((m.pk, category.value), Decimal(0))
            total += amount
            values[(m.pk, category.value)] = amount / n
        values[(m.pk, "total")] = total / n
    matrix = _matrix(municipalities, columns, values)
    for row in matrix.rows:
        row.pupils = pupils.get(row.municipality.pk)
    return matrix, year


def _open_received(municipalities: list[Municipality]):
    """Received analyses of the municipalities' open cycles."""
    return SchoolAnalysis.objects.filter(
        municipality__in=municipalities, status__in=RECEIVED_STATUSES
    ).exclude(cycle__phase=Phase.AFGEROND)


def large_delays(*, municipalities: list[Municipality]) -> Matrix:
    """Per domain: the share (%) of received analyses that report a large delay (one query)."""
    aggregates = {"n": Count("pk")}
    for domain, delay_field, _share in DOMAIN_FIELDS:
        aggregates[domain.value] = Count("pk", filter=Q(**{delay_field: Delay.LARGE}))
    values: dict[tuple[int, str], Decimal | None] = {}
    for row in (
        _open_received(municipalities).values("municipality_id").annotate(**aggregates).order_by()
    ):
        if not row["n"]:
            continue
        for domain, _delay, _share in DOMAIN_FIELDS:
            share = Decimal(100 * row[domain.value]) / row["n"]
            values[(row["municipality_id"], domain.value)] = share
    columns = [(domain.value, domain.label) for domain, _d, _s in DOMAIN_FIELDS]
    return _matrix(municipalities, columns, values)


@dataclass
class InterventionRow:
    intervention: Intervention
    schools: int  # across the portfolio
    cells: list[Cell]  # per municipality: % of its received analyses choosing it


def chosen_interventions(
    *, municipalities: list[Municipality], limit: int = 10
) -> list[InterventionRow]:
    """The menukaart interventions the schools chose most often in their received analyses.

    Per municipality: the share (%) of its received analyses that chose the intervention,
    against the portfolio mean of those shares (three queries).
    """
    received = {
        row["municipality_id"]: row["n"]
        for row in _open_received(municipalities)
        .values("municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    through = SchoolAnalysis.interventions.through
    per: dict[tuple[int, int], int] = {}
    totals: dict[int, int] = {}
    for row in (
        through.objects.filter(schoolanalysis__in=_open_received(municipalities))
        .values("intervention_id", "schoolanalysis__municipality_id")
        .annotate(n=Count("schoolanalysis_id", distinct=True))
        .order_by()
    ):
        key = (row["intervention_id"], row["schoolanalysis__municipality_id"])
        per[key] = row["n"]
        totals[row["intervention_id"]] = totals.get(row["intervention_id"], 0) + row["n"]
    top = sorted(totals, key=lambda pk: (-totals[pk], pk))[:limit]
    interventions = Intervention.objects.in_bulk(top)
    result = []
    for pk in top:
        values = {
            (m.pk, "share"): Decimal(100 * per.get((pk, m.pk), 0)) / received[m.pk]
            for m in municipalities
            if received.get(m.pk)
        }
        matrix = _matrix(municipalities, [("share", "")], values)
        result.append(
            InterventionRow(
                intervention=interventions[pk],
                schools=totals[pk],
                cells=[row.cells[0] for row in matrix.rows],
            )
        )
    return result
