"""The snapshot of a council evaluation (raadsinformatiebrief) of one evaluated or closed cycle.

The letter the college of B&W sends to the council: per goal its baseline, target, latest
measurement and verdict (the GoalOutcome); the spending per funding stream and category; the
lessons of the evaluation; and what happens next to each activity (``ActivityContinuation``).

Every amount comes from ``closeout.selectors.accounting_figures`` (the final accounting's one
selector), with the stream's final accounting when there is one; for a definitief accounting the
totals are those of its frozen snapshot, and the letter says whether today's figures still give
the frozen SHA-256. Nothing is recomputed here. A fixed number of queries, whatever the number of
goals and activities.
"""

from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from closeout import selectors as closeout_selectors
from closeout.models import ActivityContinuation, FinalAccounting
from cycles.models import Activity, ProgressUpdate
from cycles.selectors import goal_progress, goals_with_latest_measurement
from reports.snapshot.closeout import money
from reports.snapshot.common import ProgressCallback, cycle_period, date_display, snapshot_base
from reports.snapshot.cycle import _decimal_text

# The order the letter lists the decisions in; activities without one come last.
DECISION_ORDER = (
    ActivityContinuation.Decision.CONTINUE,
    ActivityContinuation.Decision.CHANGE,
    ActivityContinuation.Decision.STOP,
)
NO_DECISION = "geen-besluit"


def _letter(job, period: str) -> dict:
    name = job.municipality.name
    options = job.options or {}
    return {
        "letterhead": _("Gemeente %(name)s") % {"name": name},
        "sender": _("het college van burgemeester en wethouders"),
        "addressee": _("Aan de gemeenteraad van %(name)s") % {"name": name},
        "date": date_display(timezone.localdate()),
        "subject": _("Evaluatie Nationaal Programma Onderwijs %(period)s") % {"period": period},
        "reference": (options.get("kenmerk") or "").strip(),
        "mayor": (options.get("burgemeester") or "").strip(),
        "secretary": (options.get("secretaris") or "").strip(),
        "signature_intro": _("Het college van burgemeester en wethouders van %(name)s,")
        % {"name": name},
    }


def _value(value, unit: str) -> str:
    """A goal's value as the letter shows it: "71,5%", not "71,50%" (PostgreSQL returns the
    measurement with its two decimal places, SQLite without)."""
    if value is not None and value != value.to_integral_value():
        value = value.normalize()
    return _decimal_text(value, unit)


def _goals(municipality, cycle) -> list[dict]:
    latest_date = Subquery(
        ProgressUpdate.objects.filter(activity__goal=OuterRef("pk"), measured_value__isnull=False)
        .order_by("-date", "-created_at", "-pk")
        .values("date")[:1]
    )
    goals = (
        goals_with_latest_measurement()
        .filter(cycle=cycle, municipality_id=municipality.pk)
        .annotate(latest_measurement_date=latest_date)
        .select_related("outcome")
    )
    items = []
    for goal in goals:
        outcome = getattr(goal, "outcome", None)
        progress = goal_progress(goal)
        items.append(
            {
                "title": goal.title,
                "description": goal.description,
                "indicator": goal.indicator,
                "baseline": _value(goal.baseline, goal.unit),
                "target": _value(goal.target_value, goal.unit),
                "deadline": date_display(goal.deadline),
                "result": _value(goal.latest_measurement, goal.unit),
                "result_date": date_display(goal.latest_measurement_date),
                "progress_percent": None if progress is None else int(round(progress * 100)),
                "verdict": outcome.result if outcome else "",
                "verdict_display": outcome.get_result_display() if outcome else "",
                "explanation": outcome.explanation if outcome else "",
                "verdict_date": date_display(timezone.localtime(outcome.updated_at))
                if outcome
                else "",
            }
        )
    return items


def _category_label(code: str) -> str:
    """The label of a category of any stream (a continued activity is filed under the category
    of its new stream)."""
    from budgets.streams import category_label

    return category_label(code)


def _stream_finance(municipality, stream, accounting, generated: str) -> dict | None:
    """One stream's money as the final accounting states it; None when the municipality has
    neither a beschikking nor spending on it."""
    figures = closeout_selectors.accounting_figures(
        municipality=municipality, stream=stream, accounting=accounting
    )
    spent = figures.eligible + figures.ineligible
    if not figures.beschikkingen and not spent:
        return None
    totals = {
        "granted": money(figures.granted),
        "eligible": money(figures.eligible),
        "ineligible": money(figures.ineligible),
        "charged": money(figures.charged),
        "own_funds": money(figures.own_funds),
        "unspent": money(figures.unspent),
    }
    status = accounting.status if accounting else ""
    frozen = status == FinalAccounting.Status.FINAL and bool(accounting.snapshot)
    matches_frozen = None
    if frozen:
        from closeout.checks import accounting_checks
        from closeout.services import snapshot_build, snapshot_sha256

        again = snapshot_build(
            figures=figures,
            checks=accounting_checks(figures=figures, accounting=accounting),
            accounting=accounting,
        )
        matches_frozen = snapshot_sha256(again) == accounting.snapshot_sha256
        # A definitief accounting states its frozen figures, whatever changed since.
        frozen_totals = accounting.snapshot.get("totals", {})
        totals = {key: money(Decimal(frozen_totals[key])) for key in totals if key in frozen_totals}
    if accounting is None:
        status_display = _("nog niet begonnen")
        source = _(
            "Bron: beschikkingen en bestedingen (naar prestatiedatum), eigen invoer gemeente "
            "%(name)s in het NPO-platform, stand %(date)s. De eindverantwoording van deze "
            "geldstroom is nog niet begonnen; de cijfers kunnen nog veranderen."
        ) % {"name": municipality.name, "date": generated}
    elif frozen:
        status_display = accounting.get_status_display()
        source = _(
            "Bron: de definitieve eindverantwoording %(stream)s (jaarrekening %(year)s), "
            "collegebesluit van %(decision)s%(reference)s, vastgelegde stand van %(finalised)s."
        ) % {
            "stream": stream.name,
            "year": accounting.final_year,
            "decision": date_display(accounting.decision_date),
            "reference": (", " + _("kenmerk %(ref)s") % {"ref": accounting.decision_reference})
            if accounting.decision_reference
            else "",
            "finalised": date_display(
                timezone.localtime(accounting.finalised_at) if accounting.finalised_at else None
            )
            or date_display(accounting.decision_date),
        }
    else:
        status_display = accounting.get_status_display()
        source = _(
            "Bron: de eindverantwoording %(stream)s (status %(status)s, jaarrekening %(year)s) "
            "in het NPO-platform, stand %(date)s. Deze eindverantwoording is nog niet "
            "definitief; de cijfers kunnen nog veranderen."
        ) % {
            "stream": stream.name,
            "status": accounting.get_status_display().lower(),
            "year": accounting.final_year,
            "date": generated,
        }
    vaststelling = figures.vaststelling
    return {
        "code": stream.code,
        "name": stream.name,
        # The minister's final decision: the amount fixed and what is reclaimed (DOMAIN.md).
        "vaststelling": {
            "date": date_display(vaststelling.date),
            "reference": vaststelling.reference,
            "final_amount": money(vaststelling.final_amount),
            "reclaim_amount": money(vaststelling.reclaim_amount),
        }
        if vaststelling
        else None,
        # Today's split over the categories adds up to the (frozen) eligible total.
        "categories_agree": figures.eligible == Decimal(totals["eligible"]),
        "window": _("%(start)s tot en met %(end)s")
        % {"start": date_display(figures.window_start), "end": date_display(figures.window_end)},
        "status": status or "none",
        "status_display": status_display,
        "final_year": accounting.final_year if accounting else None,
        "frozen": frozen,
        "matches_frozen": matches_frozen,
        "sha256": accounting.snapshot_sha256 if frozen else "",
        "totals": totals,
        "categories": [
            {"label": row.label, "total": money(row.total)} for row in figures.categories
        ],
        "categories_total": money(figures.eligible),
        "source": source,
    }


def _finance(municipality, generated: str) -> dict:
    accountings = closeout_selectors.final_accountings_by_stream(municipality=municipality)
    streams = []
    for stream in closeout_selectors.closeout_streams():
        row = _stream_finance(municipality, stream, accountings.get(stream.pk), generated)
        if row is not None:
            streams.append(row)
    keys = ("granted", "eligible", "charged", "own_funds", "unspent")
    total = {
        key: money(sum((Decimal(s["totals"][key]) for s in streams), Decimal(0))) for key in keys
    }
    return {"streams": streams, "total": total, "several": len(streams) > 1}


def _continuations(municipality, cycle) -> dict:
    activities = list(
        Activity.objects.for_municipality(municipality)
        .filter(goal__cycle=cycle)
        .select_related("goal")
        .order_by("goal_id", "start_date", "pk")
    )
    decided = {
        c.activity_id: c
        for c in ActivityContinuation.objects.for_municipality(municipality)
        .filter(activity__goal__cycle=cycle)
        .select_related("stream")
    }
    groups: dict[str, list[dict]] = {d.value: [] for d in DECISION_ORDER}
    groups[NO_DECISION] = []
    for activity in activities:
        continuation = decided.get(activity.pk)
        row = {
            "title": activity.title,
            "goal": activity.goal.title,
            "status": activity.get_status_display(),
            "stream": "",
            "category": "",
            "note": "",
        }
        if continuation is None:
            groups[NO_DECISION].append(row)
            continue
        row.update(
            stream=continuation.stream.name if continuation.stream else "",
            category=_category_label(continuation.category) if continuation.category else "",
            note=continuation.note,
        )
        groups[continuation.decision].append(row)
    labels = {
        ActivityContinuation.Decision.CONTINUE: _("Wordt voortgezet"),
        ActivityContinuation.Decision.CHANGE: _("Wordt aangepast voortgezet"),
        ActivityContinuation.Decision.STOP: _("Stopt"),
        NO_DECISION: _("Nog geen besluit"),
    }
    return {
        "total": len(activities),
        "undecided": len(groups[NO_DECISION]),
        "groups": [
            {"key": str(key), "label": str(labels[key]), "items": groups[key]}
            for key in [*(d.value for d in DECISION_ORDER), NO_DECISION]
            if groups[key]
        ],
    }


def council_collect(job, progress: ProgressCallback) -> dict:
    with override("nl"):
        municipality, cycle = job.municipality, job.cycle
        period = cycle_period(cycle)
        snap = snapshot_base(
            job,
            _("Raadsinformatiebrief %(name)s: evaluatie Nationaal Programma Onderwijs %(period)s")
            % {"name": municipality.name, "period": period},
        )
        generated = snap["generated_at_display"]
        snap["letter"] = _letter(job, period)
        progress(15, _("Doelen en resultaten"))
        snap["goals"] = _goals(municipality, cycle)
        snap["goals_source"] = _(
            "Bron: doelen, nulmetingen en streefwaarden (fase Doelen), metingen in de "
            "voortgangsupdates (fase Doen) en de resultaten per doel (fase Evaluatie), eigen "
            "invoer gemeente %(name)s in het NPO-platform, stand %(date)s."
        ) % {"name": municipality.name, "date": generated}
        progress(35, _("Cijfers van de eindverantwoording"))
        snap["finance"] = _finance(municipality, generated)
        progress(50, _("Lessen en voortzetting"))
        snap["lessons"] = {
            "process_evaluation": cycle.process_evaluation,
            "lessons_learned": cycle.lessons_learned,
            "source": _(
                "Bron: procesevaluatie en geleerde lessen uit de fase Evaluatie van de cyclus "
                "“%(title)s”, stand %(date)s."
            )
            % {"title": cycle.title, "date": generated},
        }
        snap["continuations"] = _continuations(municipality, cycle)
        snap["continuations_source"] = _(
            "Bron: de besluiten per activiteit bij het afsluiten van de cyclus (voortzetten, "
            "aanpassen of stoppen, met de geldstroom), eigen invoer gemeente %(name)s, "
            "stand %(date)s."
        ) % {"name": municipality.name, "date": generated}
        counts: dict[str, int] = {}
        for goal in snap["goals"]:
            counts[goal["verdict"]] = counts.get(goal["verdict"], 0) + 1
        snap["verdict_counts"] = {
            "achieved": counts.get("achieved", 0),
            "partly": counts.get("partly", 0),
            "not_achieved": counts.get("not_achieved", 0),
            "total": len(snap["goals"]),
        }
        return snap
