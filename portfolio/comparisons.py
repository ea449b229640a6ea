"""Comparisons across an advisor's portfolio: each municipality against the portfolio average.

Only the municipalities from ``advisor_municipalities(user)`` enter any query here, so the
average is over the advisor's own municipalities and never includes anyone else's data. The
average is the plain mean of the municipalities' own figures (each municipality counts once,
whatever its size), which is what an advisor compares against.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from analyses.figures import AnalysisFigures, analysis_figures
from analyses.models import DOMAIN_FIELDS, Delay
from budgets.models import Spending
from budgets.streams import category_label, category_sort_key
from core.npo import SpendingCategory
from cycles.models import Cycle
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
    # Why a count of schools is not shown: "<5", "x" (see core.suppression) or "–" (fewer than
    # 5 analyses received); the value is then None and stays out of the average.
    hidden: str | None = None

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
    # The NPO's six always; another stream's categories (GOAB, School en Omgeving) only when
    # there is spending on them, so the total is every euro spent.
    present = {category for _pk, category in spent}
    codes = list(SpendingCategory.values) + sorted(
        present - set(SpendingCategory.values), key=category_sort_key
    )
    columns = [(code, category_label(code)) for code in codes] + [("total", "Totaal")]
    values: dict[tuple[int, str], Decimal | None] = {}
    for m in municipalities:
        n = pupils.get(m.pk)
        if not n:
            continue  # no pupil count: per pupil is undefined, not zero
        total = Decimal(0)
        for code in codes:
            amount = spent.get((m.pk, code), Decimal(0))
            total += amount
            values[(m.pk, code)] = amount / n
        values[(m.pk, "total")] = total / n
    matrix = _matrix(municipalities, columns, values)
    for row in matrix.rows:
        row.pupils = pupils.get(row.municipality.pk)
    return matrix, year


def _open_figures(municipalities: list[Municipality]) -> dict[int, AnalysisFigures]:
    """The analysis figures of each municipality's open cycle (the one its dashboard shows),
    from the same selector and with the same hidden cells as its gemeentefoto."""
    open_cycles: dict[int, Cycle] = {}
    for cycle in Cycle.objects.filter(municipality__in=municipalities).open():
        open_cycles.setdefault(cycle.municipality_id, cycle)  # ordered newest first
    figures = analysis_figures(cycles=open_cycles.values())
    return {cycle.municipality_id: figures[cycle.pk] for cycle in open_cycles.values()}


def _hide(matrix: Matrix, hidden: dict[tuple[int, str], str]) -> Matrix:
    for row in matrix.rows:
        for (code, _label), cell in zip(matrix.columns, row.cells, strict=True):
            cell.hidden = hidden.get((row.municipality.pk, code))
    return matrix


def large_delays(*, municipalities: list[Municipality]) -> Matrix:
    """Per domain: the share (%) of received analyses that report a large delay.

    A share whose count of schools is hidden in the gemeentefoto is hidden here too (the share
    and the number received, shown in the portfolio, would give the count back), and stays out
    of the portfolio average (else the average would give it back)."""
    figures = _open_figures(municipalities)
    values: dict[tuple[int, str], Decimal | None] = {}
    hidden: dict[tuple[int, str], str] = {}
    for pk, fig in figures.items():
        if not fig.received:
            continue
        for domain, _delay, _share in DOMAIN_FIELDS:
            shown = fig.delay(domain.value, Delay.LARGE.value)
            if isinstance(shown, int):
                values[(pk, domain.value)] = Decimal(100 * shown) / fig.received
            else:
                hidden[(pk, domain.value)] = shown or "–"
    columns = [(domain.value, domain.label) for domain, _d, _s in DOMAIN_FIELDS]
    return _hide(_matrix(municipalities, columns, values), hidden)


@dataclass
class InterventionRow:
    intervention: Intervention
    schools: int  # across the portfolio, counting only the cells shown
    hidden_municipalities: int  # municipalities whose count is hidden ("<5" or too few analyses)
    cells: list[Cell]  # per municipality: % of its received analyses choosing it


def chosen_interventions(
    *, municipalities: list[Municipality], limit: int = 10
) -> list[InterventionRow]:
    """The menukaart interventions the schools chose most often in their received analyses.

    Per municipality: the share (%) of its received analyses that chose the intervention,
    against the portfolio mean of those shares. A municipality's count of 1–4 (or one with
    fewer than 5 analyses) is hidden, as in its gemeentefoto, and left out of the portfolio
    total and the mean, which say so: a total over all municipalities would give it back.
    The ranking uses the shown counts only, so its order gives nothing away either.
    """
    figures = _open_figures(municipalities)
    shown: dict[tuple[int, int], int] = {}
    hidden: dict[tuple[int, int], str] = {}
    totals: dict[int, int] = {}
    for pk, fig in figures.items():
        for item in fig.interventions:
            value = fig.intervention(item.pk)
            if isinstance(value, int):
                shown[(item.pk, pk)] = value
                totals[item.pk] = totals.get(item.pk, 0) + value
            else:
                hidden[(item.pk, pk)] = value or "–"
                totals.setdefault(item.pk, 0)
    top = sorted((pk for pk in totals if totals[pk]), key=lambda pk: (-totals[pk], pk))[:limit]
    interventions = Intervention.objects.in_bulk(top)
    result = []
    for pk in top:
        values = {}
        cell_hidden = {}
        for m in municipalities:
            fig = figures.get(m.pk)
            if fig is None or not fig.received:
                continue
            if (pk, m.pk) in hidden:
                cell_hidden[(m.pk, "share")] = hidden[(pk, m.pk)]
            elif fig.withheld:
                cell_hidden[(m.pk, "share")] = "–"
            else:
                values[(m.pk, "share")] = Decimal(100 * shown.get((pk, m.pk), 0)) / fig.received
        matrix = _hide(_matrix(municipalities, [("share", "")], values), cell_hidden)
        result.append(
            InterventionRow(
                intervention=interventions[pk],
                schools=totals[pk],
                hidden_municipalities=len(cell_hidden),
                cells=[row.cells[0] for row in matrix.rows],
            )
        )
    return result
