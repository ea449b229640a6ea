"""The reports app's contribution to the cycle's Data → Duiden exit checklist."""

import functools

from django.utils.translation import gettext_lazy as _

from core.prepared import Prepared


@functools.cache
def _latest_gemeentefoto() -> Prepared:
    """The cycle's newest finished gemeentefoto: asked on every Data page and the cycle page in
    Data, so compiled once per process (core.prepared)."""
    from reports.models import ReportJob

    return Prepared(
        lambda cycle_id: (
            ReportJob.objects.filter(cycle_id=cycle_id, kind=ReportJob.Kind.GEMEENTEFOTO)
            .done()
            .order_by("-version")
            .only("version", "finished_at")[:1]
        ),
        cycle_id=0,
    )


def gemeentefoto_check(cycle):
    from cycles.gates import CheckResult

    found = _latest_gemeentefoto()(cycle_id=cycle.pk)
    job = found[0] if found else None
    if job is None:
        return CheckResult(
            False,
            _("Genereer de gemeentefoto voor deze cyclus onder Rapportages."),
        )
    return CheckResult(
        True, _("Gemeentefoto versie %(version)s is klaar.") % {"version": job.version}
    )


def register() -> None:
    from cycles.gates import register_check
    from cycles.models import Phase

    register_check(
        Phase.DATA,
        "gemeentefoto",
        _("Gemeentefoto gegenereerd"),
        gemeentefoto_check,
        order=10,
    )


# --- The council evaluation (raadsinformatiebrief) --------------------------------------------

# How many goal titles an error names before it says "and N more".
GATE_TITLES_SHOWN = 5


def council_phases() -> tuple[str, ...]:
    from cycles.models import Phase

    return (Phase.EVALUATIE, Phase.AFGEROND)


def council_cycles(*, municipality):
    """The municipality's cycles a council evaluation can be made for (phase Evaluatie or
    Afgerond), newest first."""
    from cycles.models import Cycle

    return (
        Cycle.objects.for_municipality(municipality)
        .filter(phase__in=council_phases())
        .order_by("-end_date", "-start_date", "-pk")
    )


def _goals_without_outcome(cycle_ids) -> dict[int, list[str]]:
    """Per cycle, the titles of its goals that have no outcome yet (one query)."""
    from cycles.models import Goal

    found: dict[int, list[str]] = {}
    rows = (
        Goal.objects.filter(cycle_id__in=cycle_ids, outcome__isnull=True)
        .order_by("cycle_id", "pk")
        .values_list("cycle_id", "title")
    )
    for cycle_id, title in rows:
        found.setdefault(cycle_id, []).append(title)
    return found


def council_block_reason(*, cycle, without_outcome: list[str] | None = None) -> str | None:
    """Why no council evaluation can be made for ``cycle`` (a Dutch sentence), or None.

    Goals without an outcome block this document (not the financial accounting): a council
    evaluation must give every goal its verdict. ``without_outcome`` may be passed when the
    caller already read it (the bulk request reads all cycles at once).
    """
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    if cycle is None:
        return _(
            "Er is nog geen cyclus in de fase Evaluatie of Afgerond; de raadsinformatiebrief "
            "evalueert een cyclus die klaar is."
        )
    if cycle.phase not in council_phases():
        return _(
            "De raadsinformatiebrief kan pas gemaakt worden als de cyclus “%(title)s” in de "
            "fase Evaluatie of Afgerond is (nu: %(phase)s)."
        ) % {"title": cycle.title, "phase": cycle.get_phase_display()}
    if without_outcome is None:
        without_outcome = _goals_without_outcome([cycle.pk]).get(cycle.pk, [])
    if not without_outcome:
        return None
    n = len(without_outcome)
    shown = ", ".join(f"“{t}”" for t in without_outcome[:GATE_TITLES_SHOWN])
    if n > GATE_TITLES_SHOWN:
        shown += " " + _("en nog %(n)s") % {"n": n - GATE_TITLES_SHOWN}
    return ngettext(
        "%(n)s doel van de cyclus “%(title)s” heeft nog geen resultaat: %(goals)s. Leg in de "
        "fase Evaluatie per doel het resultaat en de toelichting vast; daarna kun je de "
        "raadsinformatiebrief maken.",
        "%(n)s doelen van de cyclus “%(title)s” hebben nog geen resultaat: %(goals)s. Leg in de "
        "fase Evaluatie per doel het resultaat en de toelichting vast; daarna kun je de "
        "raadsinformatiebrief maken.",
        n,
    ) % {"n": n, "title": cycle.title, "goals": shown}


def council_candidates(*, municipalities) -> dict[int, tuple[object, str | None]]:
    """For the bulk request: per municipality id, its most recent cycle in Evaluatie or
    Afgerond (or None) and why it is blocked (None: it can be made). Two queries."""
    from cycles.models import Cycle

    ids = [m.pk for m in municipalities]
    latest: dict[int, object] = {}
    for cycle in Cycle.objects.filter(municipality_id__in=ids, phase__in=council_phases()).order_by(
        "municipality_id", "-end_date", "-start_date", "-pk"
    ):
        latest.setdefault(cycle.municipality_id, cycle)
    missing = _goals_without_outcome([c.pk for c in latest.values()])
    result = {}
    for pk in ids:
        cycle = latest.get(pk)
        reason = council_block_reason(
            cycle=cycle, without_outcome=missing.get(cycle.pk, []) if cycle else None
        )
        result[pk] = (cycle, reason)
    return result
