"""What the received school analyses of a cycle add up to, with the cells to hide: one selector
for every page, PDF and export that shows counts of schools derived from their NPO analyses.

``analysis_figures(cycles=...)`` counts, for any number of cycles in a fixed number of queries,
per domain how many received analyses report no/small/large delay (and how many left it
empty), how many chose each menukaart intervention and how many ask the municipality for
something per spending-goal category. ``core.suppression.protect`` then decides which of the
shown cells are hidden: 1–4 as ``<5`` and, where a domain's delays add up to the number of
analyses received (shown on the dashboard and the portfolio), a second cell as ``x``. The
decision depends on the cycle's own counts only, so the gemeentefoto and the portfolio hide the
same cells. With fewer than 5 analyses received no breakdown is shown at all: every count would
describe one or two schools.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q

from analyses.models import DOMAIN_FIELDS, RECEIVED_STATUSES, AnalysisNeed, Delay, SchoolAnalysis
from core.npo import SpendingCategory
from core.suppression import SMALL_NUMBER_LIMIT, Group, Protection, protect

MIN_ANALYSES = SMALL_NUMBER_LIMIT
EMPTY = "leeg"  # a domain the analysis left empty (the delay is optional)
# The delay cells the product shows ("geen vertraging" and empty are only part of the total).
SHOWN_DELAYS = frozenset({Delay.SMALL.value, Delay.LARGE.value})


def delay_key(domain: str, delay: str) -> tuple:
    return ("delay", domain, delay)


def intervention_key(pk: int) -> tuple:
    return ("intervention", pk)


def need_key(category: str) -> tuple:
    return ("need", category)


@dataclass
class DomainFigures:
    domain: str
    label: str
    counts: dict[str, int]  # Delay value or EMPTY -> analyses
    mean_share: float | None  # mean % of pupils affected (None: nobody filled it in)
    share_count: int = 0  # analyses that filled in the share

    @property
    def shown_share(self) -> float | None:
        """The mean share, only over at least 5 schools (else it describes one or two)."""
        return self.mean_share if self.share_count >= MIN_ANALYSES else None


@dataclass
class InterventionFigures:
    pk: int
    area: str
    name: str
    schools: int


@dataclass
class AnalysisFigures:
    """The received analyses of one cycle, exact, with the protection to apply when showing."""

    cycle_id: int
    municipality_id: int
    received: int
    domains: list[DomainFigures]
    interventions: list[InterventionFigures]  # most chosen first
    needs: dict[str, int]  # SpendingCategory value -> analyses asking for it
    protection: Protection = field(default_factory=Protection)

    @property
    def withheld(self) -> bool:
        """Fewer than 5 analyses: no breakdown is shown (only the number received). Also when a
        table cannot be protected, which ``core.suppression`` reports (not expected from 5 on:
        every domain has cells that are never shown, and 5 analyses leave room)."""
        return self.received < MIN_ANALYSES or bool(self.protection.unprotectable)

    def groups(self) -> list[Group]:
        """The tables as the reader sees them (see ``core.suppression``)."""
        groups = [
            Group(
                cells={delay_key(d.domain, k): n for k, n in d.counts.items()},
                total=self.received,
                shown=frozenset(delay_key(d.domain, k) for k in SHOWN_DELAYS),
                cap=self.received,
            )
            for d in self.domains
        ]
        # A school can choose several interventions and ask for several kinds of help: no
        # total, each count is at most the number of analyses received.
        groups.append(
            Group(
                cells={intervention_key(i.pk): i.schools for i in self.interventions},
                cap=self.received,
            )
        )
        groups.append(
            Group(cells={need_key(c): n for c, n in self.needs.items()}, cap=self.received)
        )
        return groups

    def shown(self, key, value: int | None) -> int | str | None:
        """A count as every page shows it: the number, ``"<5"``, ``"x"``; None when withheld."""
        if self.withheld:
            return None
        return self.protection.display(key, value)

    def delay(self, domain: str, delay: str) -> int | str | None:
        counts = next(d.counts for d in self.domains if d.domain == domain)
        return self.shown(delay_key(domain, delay), counts.get(delay, 0))

    def intervention(self, pk: int) -> int | str | None:
        count = next((i.schools for i in self.interventions if i.pk == pk), 0)
        return self.shown(intervention_key(pk), count)

    def need(self, category: str) -> int | str | None:
        return self.shown(need_key(category), self.needs.get(category, 0))


def analysis_figures(*, cycles) -> dict[int, AnalysisFigures]:
    """Figures per cycle id for the received analyses of ``cycles`` (three queries in all)."""
    cycles = list(cycles)
    by_id = {c.pk: c for c in cycles}
    if not by_id:
        return {}
    received = SchoolAnalysis.objects.filter(cycle__in=by_id, status__in=RECEIVED_STATUSES)
    aggregates = {"n": Count("pk")}
    for _domain, delay_name, share_name in DOMAIN_FIELDS:
        for delay in Delay:
            aggregates[f"{delay_name}__{delay.value}"] = Count(
                "pk", filter=Q(**{delay_name: delay})
            )
        aggregates[f"{share_name}__avg"] = Avg(share_name)
        aggregates[f"{share_name}__count"] = Count(share_name)
    rows = {
        row["cycle_id"]: row
        for row in received.values("cycle_id").annotate(**aggregates).order_by()
    }
    through = SchoolAnalysis.interventions.through
    chosen: dict[int, list[InterventionFigures]] = {}
    for row in (
        through.objects.filter(schoolanalysis__in=received)
        .values(
            "schoolanalysis__cycle_id",
            "intervention_id",
            "intervention__area",
            "intervention__name",
        )
        .annotate(n=Count("schoolanalysis", distinct=True))
        .order_by("-n", "intervention__area", "intervention__name", "intervention_id")
    ):
        chosen.setdefault(row["schoolanalysis__cycle_id"], []).append(
            InterventionFigures(
                row["intervention_id"],
                row["intervention__area"],
                row["intervention__name"],
                row["n"],
            )
        )
    needs: dict[int, dict[str, int]] = {}
    for row in (
        AnalysisNeed.objects.filter(analysis__in=received)
        .values("analysis__cycle_id", "category")
        .annotate(n=Count("analysis", distinct=True))
        .order_by()
    ):
        needs.setdefault(row["analysis__cycle_id"], {})[row["category"]] = row["n"]

    result = {}
    for pk, cycle in by_id.items():
        row = rows.get(pk, {})
        total = row.get("n", 0)
        domains = []
        for domain, delay_name, share_name in DOMAIN_FIELDS:
            counts = {d.value: row.get(f"{delay_name}__{d.value}", 0) for d in Delay}
            counts[EMPTY] = total - sum(counts.values())
            domains.append(
                DomainFigures(
                    domain.value,
                    str(domain.label),
                    counts,
                    row.get(f"{share_name}__avg"),
                    row.get(f"{share_name}__count", 0),
                )
            )
        figures = AnalysisFigures(
            cycle_id=pk,
            municipality_id=cycle.municipality_id,
            received=total,
            domains=domains,
            interventions=chosen.get(pk, []),
            needs={c.value: needs.get(pk, {}).get(c.value, 0) for c in SpendingCategory},
        )
        figures.protection = protect(figures.groups())
        result[pk] = figures
    return result
