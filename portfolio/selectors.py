"""Reads for the advisor portfolio: one row per municipality, built in a fixed number of queries.

Everything starts from ``advisor_municipalities(user)``: the municipalities where the user holds an
active ADVISOR membership. Every other query is filtered on those ids, so nothing of a
municipality the user does not advise can appear in a row, an alert, a comparison or an export.

The per-municipality facts (open cycle, last transition, schools, reports, analyses) come from
one query of the municipalities with a correlated subquery per fact, compiled once per process
and number of municipalities (core.prepared): its build cost is paid once, and the database
answers it faster than the five grouped queries it replaced. The budget figures are the budget
overview's own read (``budgets.figures``), the close-out columns ``closeout_summaries``. The
query count does not depend on how many municipalities the advisor supports.
"""

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from analyses.models import RECEIVED_STATUSES, AnalysisStatus, SchoolAnalysis
from budgets.estimate import NPO_STREAM_CODE
from budgets.figures import MunicipalityBudget, budget_figures, budget_streams
from closeout.selectors import (
    CLOSEOUT_FINAL,
    CLOSEOUT_GIVEN,
    CLOSEOUT_ORDER,
    CloseoutSummary,
    closeout_status_choices,
    closeout_summaries,
)
from core.money import ZERO, format_money
from core.prepared import Prepared
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


def other_memberships(*, memberships: list[Membership]) -> list[Membership]:
    """The user's non-advisor memberships among ``memberships`` (the user's active ones,
    ``municipalities.access.memberships_active``), so the portfolio page still links to them."""
    return [m for m in memberships if m.role != Role.ADVISOR]


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
    """What the portfolio row needs from the cycles, schools, reports and analyses of one
    municipality."""

    cycle: dict | None = None
    last_transition: datetime.datetime | None = None
    schools: int = 0
    last_gemeentefoto: datetime.datetime | None = None
    report_failed: bool = False
    analyses_received: int = 0
    analyses_returned: int = 0


def _first(rows, column: str) -> Subquery:
    return Subquery(rows.values(column)[:1])


def _grouped(rows, **aggregate) -> Subquery:
    """One aggregate of ``rows`` (already filtered on the outer municipality)."""
    return Subquery(rows.order_by().values("municipality").annotate(**aggregate).values(*aggregate))


def _facts_queryset(ids: list[int]):
    """The advised municipalities with their open cycle (at most one: a unique constraint), the
    last transition of that cycle, their active schools, reports and the open cycle's analyses:
    one query, one correlated subquery per fact."""
    here = OuterRef("pk")
    open_cycle = Cycle.objects.filter(municipality=here).exclude(phase=Phase.AFGEROND).order_by()
    open_cycle_pk = OuterRef("cycle_pk")
    jobs = ReportJob.objects.filter(municipality=here)
    failed = ReportJob.Status.FAILED
    # A failed job that no later (or equally late) job of the same kind has replaced (retrying
    # clears it): the last failure is later than the last other job of its kind.
    replaced = ReportJob.objects.filter(
        municipality=OuterRef("municipality"),
        kind=OuterRef("kind"),
        queued_at__gte=OuterRef("queued_at"),
    ).exclude(status=failed)
    analyses = SchoolAnalysis.objects.filter(municipality=here, cycle=open_cycle_pk)
    return (
        Municipality.objects.filter(pk__in=ids)
        .annotate(
            cycle_pk=_first(open_cycle, "pk"),
            cycle_title=_first(open_cycle, "title"),
            cycle_phase=_first(open_cycle, "phase"),
            cycle_start=_first(open_cycle, "start_date"),
            cycle_waived=_first(open_cycle, "analyses_waived"),
            last_transition=_grouped(
                PhaseTransition.objects.filter(municipality=here, cycle=open_cycle_pk),
                last=Max("created_at"),
            ),
            active_schools=_grouped(
                School.objects.filter(municipality=here, is_active=True), n=Count("pk")
            ),
            last_gemeentefoto=_grouped(
                jobs.filter(kind=ReportJob.Kind.GEMEENTEFOTO, status=ReportJob.Status.DONE),
                last=Max("finished_at"),
            ),
            report_failed=Exists(
                jobs.filter(status=failed, queued_at__isnull=False).exclude(Exists(replaced))
            ),
            analyses_received=_grouped(
                analyses.filter(status__in=RECEIVED_STATUSES), n=Count("pk")
            ),
            analyses_returned=_grouped(
                analyses.filter(status=AnalysisStatus.RETURNED), n=Count("pk")
            ),
        )
        .only("pk")
        .order_by()
    )


@functools.lru_cache(maxsize=64)
def _facts_query(n: int) -> Prepared:
    # Compiled once per process and number of municipalities (core.prepared): the ids are the
    # parameters m0, m1, …
    names = [f"m{i}" for i in range(n)]
    return Prepared(
        lambda **ids: _facts_queryset([ids[name] for name in names]),
        **dict.fromkeys(names, 0),
    )


def _municipality_facts(*, ids: list[int]) -> dict[int, MunicipalityFacts]:
    """One query for all of the municipalities' facts (``_facts_queryset``)."""
    facts = {pk: MunicipalityFacts() for pk in ids}
    if not ids:
        return facts
    for row in _facts_query(len(ids))(**{f"m{i}": pk for i, pk in enumerate(ids)}):
        fact = facts[row.pk]
        if row.cycle_pk is not None:
            fact.cycle = {
                "pk": row.cycle_pk,
                "title": row.cycle_title,
                "phase": row.cycle_phase,
                "start_date": row.cycle_start,
                "analyses_waived": row.cycle_waived,
            }
        fact.last_transition = row.last_transition
        fact.schools = row.active_schools or 0
        fact.last_gemeentefoto = row.last_gemeentefoto
        fact.report_failed = row.report_failed
        fact.analyses_received = row.analyses_received or 0
        fact.analyses_returned = row.analyses_returned or 0
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


def portfolio_rows(
    *, user, today: datetime.date | None = None, municipalities=None
) -> list[PortfolioRow]:
    """One row per municipality the user advises, sorted by name (a fixed number of queries).
    ``municipalities``: ``advisor_municipalities(user)`` when the caller has it already (the
    ``advisor_view``'s ``request.advisor_municipalities``)."""
    today = today or timezone.localdate()
    stale_days = settings.PORTFOLIO_STALE_WEEKS * 7
    if municipalities is None:
        municipalities = advisor_municipalities(user)
    municipalities = list(municipalities)
    ids = [m.pk for m in municipalities]
    facts = _municipality_facts(ids=ids)
    # The budget overview's own read and figures (budgets.figures), for all rows at once.
    streams = budget_streams()
    budgets = budget_figures(municipality_ids=ids, as_of=today, streams=streams)
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
            received = fact.analyses_received
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
        if returned := fact.analyses_returned:
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
