"""Writes of the final accounting: its inputs and the four-eyes sign-off.

concept → gecontroleerd (an editor other than the one who prepared it) → definitief (records the
college decision, freezes the snapshot with its SHA-256 and closes the stream in budgets). Going
back to concept needs a reason; from definitief it reopens the stream. Inputs (reported values,
grootboek amounts, the eindverantwoording already given, consultations) change only in concept.

Every write checks the version the form was opened on (``municipalities.versions``): the inputs
all touch the accounting row, so two editors cannot overwrite each other's work unnoticed.
Roles are the views' business (``tenant_view``); the services check what depends on the data.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from budgets import selectors as budget_selectors
from budgets import services as budget_services
from budgets.models import FundingStream, SpendingGoal
from budgets.streams import ALL_CATEGORY_CODES, category_label, stream_categories
from closeout.checks import accounting_checks, blocking
from closeout.models import (
    ActivityContinuation,
    Consultation,
    FinalAccounting,
    LedgerAmount,
    ReportedSisaValue,
)
from closeout.selectors import AccountingFigures, accounting_figures, last_moment
from cycles import rules as cycle_rules
from cycles.models import Activity, Cycle, Phase
from cycles.services.carry_over import activities_copy
from cycles.services.common import lock_cycle
from cycles.services.cycle import cycle_create
from municipalities.audit import audit_event_record
from municipalities.models import AuditLogEntry, Municipality
from municipalities.versions import version_check

# Named events in the municipality's Activiteitenlog.
EVENT_CHECKED = AuditLogEntry.Event.FINAL_ACCOUNTING_CHECKED
EVENT_FINALISED = AuditLogEntry.Event.FINAL_ACCOUNTING_FINALISED
EVENT_REOPENED = AuditLogEntry.Event.FINAL_ACCOUNTING_REOPENED

Status = FinalAccounting.Status


def accounting_start(*, municipality: Municipality, stream: FundingStream, user) -> FinalAccounting:
    """The accounting of ``stream``, created (concept, prepared by ``user``) if it did not exist."""
    with transaction.atomic():
        accounting, _created = FinalAccounting.objects.get_or_create(
            municipality=municipality,
            stream=stream,
            defaults={
                "final_year": stream.window_end.year,
                "prepared_by": user,
                "prepared_at": timezone.now(),
            },
        )
    return accounting


def _editable(accounting: FinalAccounting, version: str | None) -> None:
    version_check(accounting, version)
    accounting.refresh_from_db(fields=["status"])
    if accounting.status != Status.CONCEPT:
        raise ValidationError(
            _(
                "De eindverantwoording is %(status)s: zet haar eerst terug naar concept om iets "
                "te wijzigen."
            )
            % {"status": accounting.get_status_display().lower()},
            code="not_concept",
        )


def _touch(accounting: FinalAccounting, user) -> None:
    """Whoever changes the inputs prepared them: they cannot also mark them gecontroleerd."""
    accounting.prepared_by = user
    accounting.prepared_at = timezone.now()
    accounting.save()


def _years(accounting: FinalAccounting) -> range:
    return range(accounting.stream.window_start.year, accounting.final_year + 1)


def _year_amounts_save(model, *, accounting, user, amounts: dict[int, Decimal | None], version):
    with transaction.atomic():
        _editable(accounting, version)
        allowed = set(_years(accounting))
        if unknown := sorted(set(amounts) - allowed):
            raise ValidationError(
                _("%(year)s valt buiten de jaren van deze eindverantwoording.")
                % {"year": unknown[0]}
            )
        existing = {row.year: row for row in model.objects.filter(accounting=accounting)}
        for year, amount in sorted(amounts.items()):
            row = existing.get(year)
            if amount is None:
                if row is not None:
                    row.delete()
                continue
            row = row or model(
                municipality=accounting.municipality, accounting=accounting, year=year
            )
            if row.pk and row.amount == amount:
                continue
            row.amount = amount
            row.full_clean()
            row.save()
        _touch(accounting, user)


def reported_values_save(
    *,
    accounting: FinalAccounting,
    user,
    amounts: dict[int, Decimal | None],
    version: str | None = None,
) -> None:
    """Set the SiSa values reported in the accounts per year (None: nothing reported)."""
    _year_amounts_save(
        ReportedSisaValue, accounting=accounting, user=user, amounts=amounts, version=version
    )


def ledger_amounts_save(
    *,
    accounting: FinalAccounting,
    user,
    amounts: dict[int, Decimal | None],
    version: str | None = None,
) -> None:
    """Set the grootboek amounts per year (None: not entered)."""
    _year_amounts_save(
        LedgerAmount, accounting=accounting, user=user, amounts=amounts, version=version
    )


def internal_deadline_error(last) -> str:
    return _(
        "De interne deadline mag niet na het laatste moment liggen: de jaarrekening met de "
        "eindverantwoording moet uiterlijk %(date)s bij het ministerie zijn."
    ) % {"date": date_format(last, "j F Y")}


def accounting_settings_save(
    *,
    accounting: FinalAccounting,
    user,
    version: str | None = None,
    final_year: int,
    given_year: int | None = None,
    given_on=None,
    given_amount: Decimal | None = None,
    given_note: str = "",
    internal_deadline=None,
) -> FinalAccounting:
    """The year of the eindverantwoording, an eindverantwoording already given elsewhere, and
    the municipality's own deadline (not after the regulation's last moment)."""
    with transaction.atomic():
        _editable(accounting, version)
        window_end = accounting.stream.window_end.year
        errors = {}
        last = last_moment(accounting.stream)
        if internal_deadline is not None and internal_deadline > last:
            errors["internal_deadline"] = internal_deadline_error(last)
        if not window_end <= final_year <= window_end + 1:
            errors["final_year"] = _(
                "De eindverantwoording hoort in de jaarrekening over %(first)s of uiterlijk "
                "%(last)s."
            ) % {"first": window_end, "last": window_end + 1}
        given = [given_year, given_on, given_amount]
        if any(v is not None for v in given) and any(v is None for v in given):
            errors["given_year"] = _(
                "Vul bij een gegeven eindverantwoording het jaar, de datum en het bedrag in."
            )
        if errors:
            raise ValidationError(errors)
        accounting.final_year = final_year
        accounting.given_year = given_year
        accounting.given_on = given_on
        accounting.given_amount = given_amount
        accounting.given_note = given_note
        accounting.internal_deadline = internal_deadline
        accounting.full_clean()
        _touch(accounting, user)
        # Rows of years that no longer belong to the accounting go.
        for model in (ReportedSisaValue, LedgerAmount):
            model.objects.filter(accounting=accounting, year__gt=final_year).delete()
    return accounting


def consultation_save(
    *,
    accounting: FinalAccounting,
    user,
    consultation: Consultation | None = None,
    version: str | None = None,
    **fields,
) -> Consultation:
    with transaction.atomic():
        _editable(accounting, version)
        consultation = consultation or Consultation(
            municipality=accounting.municipality, accounting=accounting
        )
        assert consultation.accounting_id == accounting.pk
        for name, value in fields.items():
            setattr(consultation, name, value)
        if consultation.session_id and (
            consultation.session.municipality_id != accounting.municipality_id
        ):
            raise ValidationError({"session": _("Deze sessie hoort niet bij deze gemeente.")})
        consultation.full_clean()
        consultation.save()
        _touch(accounting, user)
    return consultation


def consultation_delete(*, consultation: Consultation, user, version: str | None = None) -> None:
    accounting = consultation.accounting
    with transaction.atomic():
        _editable(accounting, version)
        consultation.delete()
        _touch(accounting, user)


# --- Sign-off -----------------------------------------------------------------------------------


def _locked(accounting: FinalAccounting, version: str | None) -> FinalAccounting:
    version_check(accounting, version)
    return (
        FinalAccounting.objects.select_for_update().select_related("stream").get(pk=accounting.pk)
    )


def _refuse_blocking(figures: AccountingFigures, accounting: FinalAccounting) -> list:
    checks = accounting_checks(figures=figures, accounting=accounting)
    if stops := blocking(checks):
        raise ValidationError(
            [_("Los eerst de blokkerende controles op:")] + [c.message for c in stops],
            code="blocking_checks",
        )
    return checks


def accounting_check(
    *, accounting: FinalAccounting, user, version: str | None = None
) -> FinalAccounting:
    """concept → gecontroleerd, by an editor who did not prepare it."""
    with transaction.atomic():
        accounting = _locked(accounting, version)
        if accounting.status != Status.CONCEPT:
            raise ValidationError(
                _("Alleen een concept kan als gecontroleerd worden gemarkeerd."), code="status"
            )
        if accounting.prepared_by_id is not None and accounting.prepared_by_id == user.pk:
            raise ValidationError(
                _(
                    "Je hebt deze eindverantwoording zelf opgesteld. Een andere redacteur van de "
                    "gemeente moet haar controleren (vier ogen)."
                ),
                code="four_eyes",
            )
        figures = accounting_figures(
            municipality=accounting.municipality, stream=accounting.stream, accounting=accounting
        )
        _refuse_blocking(figures, accounting)
        accounting.status = Status.CHECKED
        accounting.checked_by = user
        accounting.checked_at = timezone.now()
        accounting.save()
        audit_event_record(
            event=EVENT_CHECKED,
            municipality=accounting.municipality,
            actor=user,
            obj=accounting,
            changes={"status": [Status.CONCEPT, Status.CHECKED]},
        )
    return accounting


def accounting_finalise(
    *,
    accounting: FinalAccounting,
    user,
    decision_date,
    decision_reference: str,
    version: str | None = None,
) -> FinalAccounting:
    """gecontroleerd → definitief: the college decision, the frozen snapshot, the stream closed."""
    decision_reference = (decision_reference or "").strip()
    errors = {}
    if decision_date is None:
        errors["decision_date"] = _("Vul de datum van het collegebesluit in.")
    elif decision_date > timezone.localdate():
        errors["decision_date"] = _("De datum van het collegebesluit ligt in de toekomst.")
    if not decision_reference:
        errors["decision_reference"] = _("Vul het kenmerk van het collegebesluit in.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        accounting = _locked(accounting, version)
        if accounting.status != Status.CHECKED:
            raise ValidationError(
                _("Alleen een gecontroleerde eindverantwoording kan definitief worden."),
                code="status",
            )
        figures = accounting_figures(
            municipality=accounting.municipality, stream=accounting.stream, accounting=accounting
        )
        checks = _refuse_blocking(figures, accounting)
        now = timezone.now()
        accounting.status = Status.FINAL
        accounting.finalised_by = user
        accounting.finalised_at = now
        accounting.decision_date = decision_date
        accounting.decision_reference = decision_reference
        accounting.reopen_reason = ""
        accounting.snapshot = snapshot_build(figures=figures, checks=checks, accounting=accounting)
        accounting.snapshot_sha256 = snapshot_sha256(accounting.snapshot)
        accounting.full_clean()
        accounting.save()
        audit_event_record(
            event=EVENT_FINALISED,
            municipality=accounting.municipality,
            actor=user,
            obj=accounting,
            changes={
                "status": [Status.CHECKED, Status.FINAL],
                "snapshot_sha256": ["", accounting.snapshot_sha256],
                "decision_reference": ["", decision_reference],
            },
        )
        budget_services.stream_freeze(
            municipality=accounting.municipality,
            stream=accounting.stream,
            user=user,
            reason=_("Eindverantwoording definitief (collegebesluit %(reference)s)")
            % {"reference": decision_reference},
        )
    return accounting


def accounting_reopen(
    *, accounting: FinalAccounting, user, reason: str, version: str | None = None
) -> FinalAccounting:
    """gecontroleerd or definitief → concept, with a reason. From definitief the stream is
    reopened too, unless a vaststelling closed it (that freeze belongs to the letter)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Geef een reden om de eindverantwoording te heropenen.")}
        )
    with transaction.atomic():
        accounting = _locked(accounting, version)
        previous = accounting.status
        if previous == Status.CONCEPT:
            raise ValidationError(_("De eindverantwoording is al een concept."), code="status")
        accounting.status = Status.CONCEPT
        accounting.checked_by = None
        accounting.checked_at = None
        accounting.finalised_by = None
        accounting.finalised_at = None
        accounting.snapshot = None
        accounting.snapshot_sha256 = ""
        accounting.reopen_reason = reason
        accounting.save()
        audit_event_record(
            event=EVENT_REOPENED,
            municipality=accounting.municipality,
            actor=user,
            obj=accounting,
            changes={"status": [previous, Status.CONCEPT], "reopen_reason": ["", reason]},
        )
        if previous == Status.FINAL:
            freeze = budget_selectors.stream_freeze_active(
                municipality=accounting.municipality, stream=accounting.stream
            )
            if freeze is not None and freeze.beschikking_id is None:
                budget_services.stream_unfreeze(
                    municipality=accounting.municipality,
                    stream=accounting.stream,
                    user=user,
                    reason=reason,
                )
    return accounting


# --- Snapshot -----------------------------------------------------------------------------------


def snapshot_build(
    *, figures: AccountingFigures, checks: list, accounting: FinalAccounting
) -> dict:
    """Everything the definitief accounting stated, as plain JSON (amounts as strings)."""

    def money(value):
        return None if value is None else str(value)

    def year(row):
        return {
            "label": row.label,
            "eligible": money(row.eligible),
            "outside_window": money(row.outside_window),
            "category_not_allowed": money(row.category_not_allowed),
            "charged": money(row.charged),
            "own_funds": money(row.own_funds),
            "ledger": money(row.ledger),
        }

    return {
        "municipality": figures.municipality.name,
        "stream": figures.stream.code,
        "window": [figures.window_start.isoformat(), figures.window_end.isoformat()],
        "final_year": figures.final_year,
        "decision": {
            "date": accounting.decision_date.isoformat() if accounting.decision_date else None,
            "reference": accounting.decision_reference,
        },
        "beschikkingen": [
            {
                "kind": b.kind,
                "date": b.date.isoformat(),
                "reference": b.reference,
                "amount": money(b.amount),
                "final_amount": money(b.final_amount),
                "reclaim_amount": money(b.reclaim_amount),
            }
            for b in figures.beschikkingen
        ],
        "totals": {
            "granted": money(figures.granted),
            "eligible": money(figures.eligible),
            "ineligible": money(figures.ineligible),
            "charged": money(figures.charged),
            "own_funds": money(figures.own_funds),
            "unspent": money(figures.unspent),
        },
        "years": [year(row) for row in figures.years],
        "school_years": [year(row) for row in figures.school_years],
        "sisa_lines": [
            {
                "year": line.year,
                "computed": money(line.computed),
                "cumulative": money(line.cumulative),
                "reported": money(line.reported),
                "correction": money(line.correction),
                "final": line.is_final_year,
            }
            for line in figures.sisa_lines
        ],
        "given": {
            "year": accounting.given_year,
            "date": accounting.given_on.isoformat() if accounting.given_on else None,
            "amount": money(accounting.given_amount),
        },
        "checks": [check.as_dict() for check in checks],
    }


def snapshot_sha256(snapshot: dict) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8): the same snapshot always
    gives the same hash, also after a round trip through the database."""
    text = json.dumps(
        snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    )
    return hashlib.sha256(text.encode()).hexdigest()


# --- Voortzetting: what continues after the close-out, and under which stream ----------------
#
# Per activity of a closed cycle (Evaluatie or Afgerond) the officer decides: continue, continue
# changed, or stop, with the stream and that stream's category it continues under
# (``ActivityContinuation``). ``continuation_carry_over`` then copies every continued activity with
# its goal into the next cycle (cycles.services.carry_over: ``carried_from`` is the link to its
# history) and gives that cycle a spending goal per stream and category, without amounts: the
# officer plans them in Doelen. The demo seeder may call ``continuations_save`` and
# ``continuation_carry_over`` directly.

CLOSED_PHASES = frozenset({Phase.EVALUATIE, Phase.AFGEROND})
Decision = ActivityContinuation.Decision


@dataclass(frozen=True)
class ContinuationInput:
    """One activity's decision as entered: ``decision`` "" means no decision (yet)."""

    activity_id: int
    decision: str
    stream: FundingStream | None = None
    category: str = ""
    note: str = ""


@dataclass(frozen=True)
class CarryOverResult:
    cycle: Cycle
    created: list[Activity]  # copied now
    already: list[Activity]  # copied before: not copied twice
    spending_goals: list[SpendingGoal]  # created now


def continuation_errors(
    *, decision: str, stream: FundingStream | None, category: str, today=None
) -> dict[str, str]:
    """Per field a Dutch message for a decision that cannot stand; empty when it can. The form
    shows these next to the fields; ``continuations_save`` refuses on them."""
    if decision in ("", Decision.STOP):
        return {}
    if decision not in Decision.values:
        return {"decision": _("Kies voortzetten, aangepast voortzetten of stoppen.")}
    errors = {}
    today = today or timezone.localdate()
    if stream is None:
        errors["stream"] = _("Kies uit welke geldstroom de activiteit verder gaat.")
    elif not stream.is_active:
        errors["stream"] = _("%(stream)s is niet meer actief; kies een andere geldstroom.") % {
            "stream": stream.name
        }
    elif stream.window_end is not None and stream.window_end < today:
        errors["stream"] = _(
            "De bestedingstermijn van %(stream)s liep af op %(date)s. Kies een geldstroom die "
            "doorloopt, bijvoorbeeld GOAB/OAB."
        ) % {"stream": stream.name, "date": date_format(stream.window_end, "j F Y")}
    if not category:
        errors["category"] = _("Kies de bestedingscategorie waaronder de activiteit valt.")
    elif stream is not None and "stream" not in errors:
        own = stream_categories(stream.code)
        if (own is None and category not in ALL_CATEGORY_CODES) or (
            own is not None and category not in own
        ):
            errors["category"] = _(
                "„%(category)s” is geen categorie van %(stream)s. Kies een categorie die bij de "
                "geldstroom hoort."
            ) % {"category": category_label(category), "stream": stream.name}
    return errors


def _require_closed(cycle: Cycle) -> None:
    if cycle.phase not in CLOSED_PHASES:
        raise ValidationError(
            _("Over voortzetten besluit je als de cyclus in Evaluatie of Afgerond staat.")
        )


def _continued_copies(activity_ids) -> dict[int, Activity]:
    """The copies of these activities in a later cycle, by the original's pk (one query)."""
    rows = (
        Activity.objects.filter(carried_from__in=list(activity_ids))
        .select_related("goal__cycle")
        .order_by("pk")
    )
    return {row.carried_from_id: row for row in rows}


@transaction.atomic
def continuations_save(
    *, cycle: Cycle, decisions: list[ContinuationInput], actor
) -> list[ActivityContinuation]:
    """Record the decisions on activities of the closed ``cycle`` (all or nothing).

    An empty decision removes an earlier one. The decision of an activity already continued
    into a next cycle cannot change any more (its copy is there; only the note may change).
    """
    locked = lock_cycle(cycle)
    _require_closed(locked)
    activities = {
        a.pk: a
        for a in Activity.objects.for_municipality(locked.municipality_id).filter(
            goal__cycle=locked, pk__in=[d.activity_id for d in decisions]
        )
    }
    existing = {
        c.activity_id: c
        for c in ActivityContinuation.objects.for_municipality(locked.municipality_id).filter(
            activity__in=list(activities)
        )
    }
    copies = _continued_copies(activities)
    errors: dict[str, list[str]] = {}
    saved = []
    for item in decisions:
        activity = activities.get(item.activity_id)
        if activity is None:
            raise ValidationError(_("Deze activiteit hoort niet bij deze cyclus."))
        stream = None if item.decision == Decision.STOP else item.stream
        category = "" if item.decision == Decision.STOP else item.category
        for message in continuation_errors(
            decision=item.decision, stream=stream, category=category
        ).values():
            errors.setdefault(activity.title, []).append(message)
        current = existing.get(activity.pk)
        # Once the activity has a copy in a later cycle its decision stands. One carried over
        # there without a decision (cycle_start_next) may still get one that continues it.
        changed = (
            item.decision in ("", Decision.STOP)
            if current is None
            else (current.decision, current.stream_id, current.category)
            != (item.decision, stream.pk if stream else None, category)
        )
        if activity.pk in copies and changed:
            errors.setdefault(activity.title, []).append(
                _(
                    "Deze activiteit is al voortgezet in %(cycle)s; het besluit ligt daarmee "
                    "vast. Pas de activiteit daar aan."
                )
                % {"cycle": copies[activity.pk].goal.cycle.title}
            )
        if errors:
            continue
        if not item.decision:
            if current is not None:
                current.delete()
            continue
        values = {
            "decision": item.decision,
            "stream": stream,
            "category": category,
            "note": item.note.strip(),
        }
        if current is not None and all(getattr(current, k) == v for k, v in values.items()):
            saved.append(current)
            continue
        continuation = current or ActivityContinuation(
            municipality_id=locked.municipality_id, activity=activity
        )
        for name, value in values.items():
            setattr(continuation, name, value)
        continuation.decided_by = actor
        continuation.full_clean()
        continuation.save()
        saved.append(continuation)
    if errors:
        raise ValidationError(
            [f"{title}: {' '.join(messages)}" for title, messages in errors.items()]
        )
    return saved


@transaction.atomic
def continuation_delete(*, continuation: ActivityContinuation) -> None:
    """Remove a decision, as long as its activity has not been continued into a next cycle."""
    if Activity.objects.filter(carried_from=continuation.activity_id).exists():
        raise ValidationError(
            _("Deze activiteit is al voortgezet in een volgende cyclus; het besluit ligt vast.")
        )
    continuation.delete()


def _target_cycle(*, locked: Cycle, actor, title: str, start_date, end_date) -> Cycle:
    """The closed cycle's successor, or a new one started from it."""
    successor = Cycle.objects.for_municipality(locked.municipality_id).filter(predecessor=locked)
    target = successor.select_for_update().first()
    if target is None:
        if locked.phase != Phase.AFGEROND:
            raise ValidationError(
                _(
                    "Rond de cyclus eerst af (fase Afgerond): een gemeente heeft één lopende "
                    "cyclus tegelijk, dus de nieuwe cyclus kan pas daarna starten."
                )
            )
        if not title.strip():
            raise ValidationError({"title": _("Geef de nieuwe cyclus een titel.")})
        return cycle_create(
            municipality=locked.municipality,
            title=title.strip(),
            start_date=start_date,
            end_date=end_date,
            actor=actor,
            predecessor=locked,
            previous_lessons=locked.lessons_learned,
        )
    if not (cycle_rules.can_edit(target, "goal") and cycle_rules.can_edit(target, "activity")):
        raise ValidationError(
            _(
                "In de volgende cyclus %(cycle)s (fase %(phase)s) kunnen nu geen activiteiten "
                "worden toegevoegd."
            )
            % {"cycle": target.title, "phase": target.get_phase_display()}
        )
    return target


@transaction.atomic
def continuation_carry_over(
    *, cycle: Cycle, actor, title: str = "", start_date=None, end_date=None
) -> CarryOverResult:
    """Continue every activity of the closed ``cycle`` decided "voortzetten" or "aanpassen" in
    the next cycle: its successor, or a new cycle (``title``, ``start_date``, ``end_date``) with
    the closed cycle as predecessor.

    Each continued activity is copied with its goal (``carried_from``: the link to its history);
    a stopped activity is not. Per stream and category the next cycle gets a spending goal for
    the continued work, linked to the copied goals, without planned amounts. Idempotent: an
    activity already copied into that cycle is not copied twice, an existing spending goal of
    the same category and title is reused. All or nothing.
    """
    locked = lock_cycle(cycle)
    _require_closed(locked)
    continuations = list(
        ActivityContinuation.objects.for_municipality(locked.municipality_id)
        .filter(activity__goal__cycle=locked, decision__in=[Decision.CONTINUE, Decision.CHANGE])
        .select_related("activity__goal", "stream")
        .order_by("activity__goal_id", "activity_id")
    )
    if not continuations:
        raise ValidationError(
            _(
                "Er is nog geen activiteit om voort te zetten: kies eerst per activiteit een besluit."
            )
        )
    target = _target_cycle(
        locked=locked, actor=actor, title=title, start_date=start_date, end_date=end_date
    )
    activities = [c.activity for c in continuations]
    created, already = activities_copy(target=target, activities=activities, keep_status=False)
    copy_of = {a.carried_from_id: a for a in [*created, *already]}

    groups: dict[tuple[int, str], list[ActivityContinuation]] = {}
    for continuation in continuations:
        groups.setdefault((continuation.stream_id, continuation.category), []).append(continuation)
    existing = {
        (sg.category, sg.title): sg
        for sg in SpendingGoal.objects.for_municipality(locked.municipality_id).filter(cycle=target)
    }
    new_goals = []
    for (_stream_id, category), rows in groups.items():
        stream = rows[0].stream
        spending_title = f"{category_label(category)} – {stream.name}"[:200]
        goals = {copy_of[c.activity_id].goal_id: copy_of[c.activity_id].goal for c in rows}
        spending_goal = existing.get((category, spending_title))
        if spending_goal is None:
            spending_goal = budget_services.spending_goal_save(
                municipality=locked.municipality,
                planned=[],
                goals=list(goals.values()),
                cycle=target,
                category=category,
                title=spending_title,
                description=_(
                    "Voortgezet uit %(cycle)s onder %(stream)s: %(activities)s. Plan de bedragen "
                    "per periode in dit bestedingsdoel."
                )
                % {
                    "cycle": locked.title,
                    "stream": stream.name,
                    "activities": ", ".join(c.activity.title for c in rows),
                },
            )
            existing[(category, spending_title)] = spending_goal
            new_goals.append(spending_goal)
        else:
            spending_goal.goals.add(*goals.values())
    return CarryOverResult(cycle=target, created=created, already=already, spending_goals=new_goals)
