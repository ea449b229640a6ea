"""Reads for the advisor portfolio: one row per municipality, built in a fixed number of queries.

Everything starts from ``advisor_municipalities(user)``: the municipalities where the user holds an
active ADVISOR membership. Every other query is filtered on those ids, so nothing of a
municipality the user does not advise can appear in a row, an alert, a comparison or an export.

The per-municipality figures come from a few plain ``values().annotate()`` queries grouped by
municipality (open cycle, last transition, schools, reports, budgets, analyses): cheaper to build
than one query with nested subqueries, and just as constant in number. The query count does not depend on how many
municipalities the advisor supports.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from analyses.models import RECEIVED_STATUSES, AnalysisStatus, SchoolAnalysis
from budgets.estimate import NPO_STREAM_CODE
from budgets.figures import MunicipalityBudget, budget_figures
from budgets.models import FundingStream
from closeout.selectors import (
    CLOSEOUT_FINAL,
    CLOSEOUT_GIVEN,
    CLOSEOUT_ORDER,
    CloseoutSummary,
    closeout_status_choices,
    closeout_summaries,
)
from core.money import ZERO, format_money
from cycles.models import Cycle, Phase, PhaseTransition
from municipalities.access import advisor_municipalities
from municipalities.models import Membership, Municipality, Role
from reports.models import ReportJob
from schools.models import School


class AlertCode:
    UNSPENT = "unspent"
    BUDGET = "budget"
    STALE = "stale"
    RETURNED = "returned"
    REPORT_FAILED = "report_failed"


ALERT_CHOICES = [
    (AlertCode.UNSPENT, gettext_lazy("Geld blijft over")),
    (AlertCode.BUDGET, gettext_lazy("Begroting klopt niet")),
    (AlertCode.STALE, gettext_lazy("Fase staat stil")),
    (AlertCode.RETURNED, gettext_lazy("Analyses teruggestuurd")),
    (AlertCode.REPORT_FAILED, gettext_lazy("Rapportage mislukt")),
]
ALERT_ANY = "any"

SORT_KEYS = (
    "name",
    "phase",
    "days",
    "analyses",
    "allocated",
    "planned",
    "spent",
    "gemeentefoto",
    "closeout",
    "blocking",
    "deadline",
    "alerts",
)


def is_advisor(*, user) -> bool:
    return advisor_municipalities(user).exists()


def other_memberships(*, user) -> list[Membership]:
    """The user's non-advisor memberships, so the portfolio page still links to them."""
    return list(
        Membership.objects.active()
        .filter(user=user, municipality__is_active=True)
        .exclude(role=Role.ADVISOR)
        .select_related("municipality", "school")
        .order_by("municipality__name")
    )


@dataclass(frozen=True)
class Alert:
    code: str
    text: str


@dataclass
class PortfolioRow:
    municipality: Municipality
    cycle_pk: int | None
    cycle_title: str
    phase: str
    days_in_phase: int | None
    schools: int
    analyses_received: int | None  # None: the cycle asks no analyses (or no cycle)
    allocated: Decimal = ZERO
    planned: Decimal = ZERO
    spent: Decimal = ZERO
    last_gemeentefoto: datetime.datetime | None = None
    analyses_waived: bool = False
    closeout: CloseoutSummary | None = None  # the NPO final accounting (None: no NPO stream)
    alerts: list[Alert] = field(default_factory=list)

    @property
    def phase_label(self) -> str:
        return str(Phase(self.phase).label) if self.phase else ""

    @property
    def phase_index(self) -> int:
        return list(Phase.values).index(self.phase) if self.phase else -1

    @property
    def planned_percent(self) -> int | None:
        return _percent(self.planned, self.allocated)

    @property
    def spent_percent(self) -> int | None:
        return _percent(self.spent, self.allocated)

    @property
    def analyses_percent(self) -> int | None:
        if self.analyses_received is None or not self.schools:
            return None
        return round(100 * self.analyses_received / self.schools)

    @property
    def closeout_status(self) -> str:
        return self.closeout.status if self.closeout else ""

    @property
    def closeout_label(self) -> str:
        return str(dict(closeout_status_choices()).get(self.closeout_status, ""))

    @property
    def closeout_done(self) -> bool:
        """Definitief, or given in earlier accounts: no deadline left to meet."""
        return self.closeout_status in (CLOSEOUT_FINAL, CLOSEOUT_GIVEN)

    @property
    def deadline_days(self) -> int | None:
        """Days left to the internal deadline (None: none set, or the accounting is done)."""
        if self.closeout is None or self.closeout_done or self.closeout.internal_deadline is None:
            return None
        return self.closeout.internal_deadline.days_left

    @property
    def alert_codes(self) -> set[str]:
        return {a.code for a in self.alerts}


def _percent(part: Decimal, whole: Decimal) -> int | None:
    if not whole:
        return None
    return int((100 * part / whole).to_integral_value())


@dataclass
class MunicipalityFacts:
    """What the portfolio row needs from the cycles, schools and reports of one municipality."""

    cycle: dict | None = None
    last_transition: datetime.datetime | None = None
    schools: int = 0
    last_gemeentefoto: datetime.datetime | None = None
    report_failed: bool = False


def _municipality_facts(*, ids: list[int]) -> dict[int, MunicipalityFacts]:
    """Four plain grouped queries (cheaper to build than one query with nested subqueries)."""
    facts = {pk: MunicipalityFacts() for pk in ids}
    cycles = list(
        Cycle.objects.filter(municipality__in=ids)
        .exclude(phase=Phase.AFGEROND)
        .values("pk", "municipality_id", "title", "phase", "start_date", "analyses_waived")
    )
    for cycle in cycles:
        facts[cycle["municipality_id"]].cycle = cycle
    for row in (
        PhaseTransition.objects.filter(cycle__in=[c["pk"] for c in cycles])
        .values("municipality_id")
        .annotate(last=Max("created_at"))
        .order_by()
    ):
        facts[row["municipality_id"]].last_transition = row["last"]
    for row in (
        School.objects.filter(municipality__in=ids, is_active=True)
        .values("municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        facts[row["municipality_id"]].schools = row["n"]
    failed = Q(status=ReportJob.Status.FAILED)
    for row in (
        ReportJob.objects.filter(municipality__in=ids)
        .values("municipality_id", "kind")
        .annotate(
            last_done=Max(
                "finished_at",
                filter=Q(kind=ReportJob.Kind.GEMEENTEFOTO, status=ReportJob.Status.DONE),
            ),
            last_failed=Max("queued_at", filter=failed),
            last_other=Max("queued_at", filter=~failed),
        )
        .order_by()
    ):
        fact = facts[row["municipality_id"]]
        if row["last_done"]:
            fact.last_gemeentefoto = row["last_done"]
        # A failed job that no later job of the same kind has replaced (retrying clears it).
        if row["last_failed"] and (
            row["last_other"] is None or row["last_other"] < row["last_failed"]
        ):
            fact.report_failed = True
    return facts


def _unspent_alerts(budget: MunicipalityBudget) -> list[Alert]:
    """Per allocated stream whose projection (the budget overview's own, ``StreamBlock.
    projection``) leaves money over: one short alert."""
    alerts = []
    for block in budget.blocks:
        projection = block.projection
        if projection is None or projection.projected_unspent <= 0:
            continue
        values = {
            "stream": block.stream.name,
            "left": format_money(projection.projected_unspent),
            "end": formats.date_format(projection.window_end, "j F Y"),
        }
        if projection.window_closed:
            text = _("%(stream)s: %(left)s niet besteed vóór %(end)s.") % values
        else:
            text = _("%(stream)s: naar verwachting blijft %(left)s over op %(end)s.") % values
        alerts.append(Alert(AlertCode.UNSPENT, text))
    return alerts


@dataclass
class AnalysisFigures:
    received: dict[int, int]
    returned: dict[int, int]


def _analysis_figures(*, cycle_ids: list[int]) -> AnalysisFigures:
    """Analyses received and returned-not-resubmitted per municipality, for the open cycles
    (one grouped query)."""
    received: dict[int, int] = {}
    returned: dict[int, int] = {}
    for row in (
        SchoolAnalysis.objects.filter(cycle__in=cycle_ids)
        .values("municipality_id")
        .annotate(
            received=Count("pk", filter=Q(status__in=RECEIVED_STATUSES)),
            returned=Count("pk", filter=Q(status=AnalysisStatus.RETURNED)),
        )
        .order_by()
    ):
        received[row["municipality_id"]] = row["received"]
        returned[row["municipality_id"]] = row["returned"]
    return AnalysisFigures(received=received, returned=returned)


def portfolio_rows(*, user, today: datetime.date | None = None) -> list[PortfolioRow]:
    """One row per municipality the user advises, sorted by name (a fixed number of queries)."""
    today = today or timezone.localdate()
    stale_days = settings.PORTFOLIO_STALE_WEEKS * 7
    municipalities = list(advisor_municipalities(user))
    ids = [m.pk for m in municipalities]
    facts = _municipality_facts(ids=ids)
    # The budget overview's own read and figures (budgets.figures), for all rows at once.
    streams = list(FundingStream.objects.all())
    budgets = budget_figures(municipality_ids=ids, as_of=today, streams=streams)
    analyses = _analysis_figures(
        cycle_ids=[f.cycle["pk"] for f in facts.values() if f.cycle is not None]
    )
    npo = next((s for s in streams if s.code == NPO_STREAM_CODE and s.window_end), None)
    closeout = (
        closeout_summaries(municipality_ids=ids, stream=npo, today=today) if npo and ids else {}
    )
    rows = []
    for m in municipalities:
        fact = facts[m.pk]
        cycle = fact.cycle or {}
        since = None
        if cycle:
            since = (
                timezone.localtime(fact.last_transition).date()
                if fact.last_transition
                else cycle["start_date"]
            )
        days = max(0, (today - since).days) if since else None
        received = None
        if cycle and not cycle["analyses_waived"]:
            received = analyses.received.get(m.pk, 0)
        budget = budgets[m.pk]
        figures = budget.total
        row = PortfolioRow(
            municipality=m,
            cycle_pk=cycle.get("pk"),
            cycle_title=cycle.get("title", ""),
            phase=cycle.get("phase", ""),
            days_in_phase=days,
            schools=fact.schools,
            analyses_received=received,
            allocated=figures.allocated,
            planned=figures.planned,
            spent=figures.spent,
            last_gemeentefoto=fact.last_gemeentefoto,
            analyses_waived=bool(cycle.get("analyses_waived")),
            closeout=closeout.get(m.pk),
        )
        row.alerts.extend(_unspent_alerts(budget))
        # Overspending, commitments above the plan, money outside the window: the overview's
        # own warnings, with the overview's own sentences (the projection is the alert above).
        row.alerts.extend(
            Alert(AlertCode.BUDGET, w.text)
            for w in budget.warnings
            if w.code != "projected_unspent"
        )
        if days is not None and days >= stale_days:
            row.alerts.append(
                Alert(
                    AlertCode.STALE,
                    _("Fase %(phase)s staat al %(weeks)s weken stil.")
                    % {"phase": row.phase_label, "weeks": days // 7},
                )
            )
        if returned := analyses.returned.get(m.pk):
            row.alerts.append(
                Alert(
                    AlertCode.RETURNED,
                    ngettext(
                        "%(n)s analyse teruggestuurd en nog niet opnieuw ingediend.",
                        "%(n)s analyses teruggestuurd en nog niet opnieuw ingediend.",
                        returned,
                    )
                    % {"n": returned},
                )
            )
        if fact.report_failed:
            row.alerts.append(
                Alert(
                    AlertCode.REPORT_FAILED, _("Een rapportage is mislukt; vraag hem opnieuw aan.")
                )
            )
        rows.append(row)
    return rows


def _sort_value(row: PortfolioRow, key: str):
    # None sorts last in both directions via the (is-missing, value) tuple.
    values = {
        "name": row.municipality.name.lower(),
        "phase": row.phase_index if row.phase else None,
        "days": row.days_in_phase,
        "analyses": row.analyses_percent,
        "allocated": row.allocated,
        "planned": row.planned_percent,
        "spent": row.spent_percent,
        "gemeentefoto": row.last_gemeentefoto,
        "closeout": CLOSEOUT_ORDER.index(row.closeout_status) if row.closeout else None,
        "blocking": row.closeout.blocking if row.closeout else None,
        "deadline": row.deadline_days,
        "alerts": len(row.alerts),
    }
    return values[key]


def portfolio_filter_sort(
    rows: list[PortfolioRow],
    *,
    alert: str = "",
    phase: str = "",
    status: str = "",
    sort: str = "name",
) -> list[PortfolioRow]:
    """Filter on an alert (or any alert), a phase and a close-out status, then sort; ``-key``
    sorts descending."""
    if alert == ALERT_ANY:
        rows = [r for r in rows if r.alerts]
    elif alert:
        rows = [r for r in rows if alert in r.alert_codes]
    if phase:
        rows = [r for r in rows if r.phase == phase]
    if status:
        rows = [r for r in rows if r.closeout_status == status]
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key, descending = "name", False
    present = [r for r in rows if _sort_value(r, key) is not None]
    missing = [r for r in rows if _sort_value(r, key) is None]
    present.sort(key=lambda r: (_sort_value(r, key), r.municipality.name), reverse=descending)
    missing.sort(key=lambda r: r.municipality.name)
    return present + missing
