"""Writes for the 4D cycle. Keyword-only arguments; every write validates first and runs in one
transaction, so bad input leaves nothing half-saved."""

import datetime
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from cycles import gates, rules
from cycles.models import (
    UNFINISHED_ACTIVITY_STATUSES,
    Activity,
    Cycle,
    Finding,
    Goal,
    GoalOutcome,
    GoalRevision,
    Phase,
    PhaseTransition,
    ProgressUpdate,
    SessionAttachment,
    StakeholderSession,
    phase_next,
    phase_previous,
)
from cycles.selectors import goals_with_latest_measurement, unfinished_goals
from municipalities.audit import audit_context, audit_event_record
from municipalities.models import AuditLogEntry, Municipality


class GateBlocked(ValidationError):
    """The exit checklist of the current phase is not complete."""

    def __init__(self, items):
        self.items = items
        open_items = [item for item in items if not item.ok]
        super().__init__(
            [f"{item.label}: {item.explanation}" for item in open_items]
            or [_("Deze fase kan niet verder.")]
        )


def _require_editable(cycle: Cycle, what: str) -> None:
    if not rules.can_edit(cycle, what):
        raise ValidationError(str(rules.NOT_EDITABLE_MESSAGES[what]))


def _lock(cycle: Cycle) -> Cycle:
    """Re-read the cycle under a row lock so two phase moves cannot interleave."""
    return Cycle.objects.select_for_update().get(pk=cycle.pk)


def _lock_object(model, obj):
    """Re-read a row under a lock, so the checks before a delete see what is stored now."""
    locked = model.objects.select_for_update().filter(pk=obj.pk).first()
    if locked is None:
        raise ValidationError(_("Dit is intussen al verwijderd."))
    return locked


def _delete(obj) -> None:
    """``obj.delete()``: per-row signals, so the audit trail records every deleted row. A PROTECT
    reference from elsewhere (e.g. the budget) becomes a Dutch message; Django raises it before
    deleting anything, and the caller's transaction keeps the rest all-or-nothing."""
    try:
        obj.delete()
    except ProtectedError as exc:
        kinds = sorted({str(o._meta.verbose_name_plural) for o in exc.protected_objects})
        raise ValidationError(
            _(
                "Dit kan niet worden verwijderd: er verwijzen nog %(kinds)s naar. Haal die "
                "verwijzingen eerst weg."
            )
            % {"kinds": ", ".join(kinds)}
        ) from exc


ONE_OPEN_MESSAGE = _(
    "Deze gemeente heeft al een lopende cyclus. Rond die eerst af voordat je een nieuwe start."
)


def _check_dates(start_date: datetime.date, end_date: datetime.date) -> None:
    if end_date < start_date:
        raise ValidationError({"end_date": _("De einddatum ligt voor de begindatum.")})


def cycle_create(
    *,
    municipality: Municipality,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
    actor=None,
    predecessor: Cycle | None = None,
    previous_lessons: str = "",
) -> Cycle:
    _check_dates(start_date, end_date)
    if Cycle.objects.for_municipality(municipality).open().exists():
        raise ValidationError(ONE_OPEN_MESSAGE)
    try:
        with transaction.atomic():
            return Cycle.objects.create(
                municipality=municipality,
                title=title,
                start_date=start_date,
                end_date=end_date,
                created_by=actor,
                predecessor=predecessor,
                previous_lessons=previous_lessons,
            )
    except IntegrityError as exc:
        # Lost a race with another request: the database constraint is the real guard.
        raise ValidationError(ONE_OPEN_MESSAGE) from exc


def cycle_update(*, cycle: Cycle, title: str, start_date: datetime.date, end_date: datetime.date):
    _require_editable(cycle, "cycle")
    _check_dates(start_date, end_date)
    cycle.title, cycle.start_date, cycle.end_date = title, start_date, end_date
    cycle.save(update_fields=["title", "start_date", "end_date"])
    return cycle


def _transition(*, cycle: Cycle, to_phase: str, actor, note: str, direction: str):
    transition = PhaseTransition.objects.create(
        municipality_id=cycle.municipality_id,
        cycle=cycle,
        from_phase=cycle.phase,
        to_phase=to_phase,
        direction=direction,
        actor=actor,
        note=note,
    )
    cycle.phase = to_phase
    cycle.phase_changed_at = transition.created_at
    cycle.save(update_fields=["phase", "phase_changed_at"])
    # A named event too, so the Activiteitenlog can be filtered on phase changes.
    audit_event_record(
        event=AuditLogEntry.Event.PHASE_CHANGED,
        municipality=cycle.municipality,
        actor=actor,
        obj=cycle,
        changes={"phase": [transition.from_phase, to_phase], "note": ["", note]},
    )
    return transition


@transaction.atomic
def cycle_advance(*, cycle: Cycle, actor, note: str = "") -> PhaseTransition:
    """Move to the next phase if the exit checklist is complete; else raise GateBlocked."""
    locked = _lock(cycle)
    to_phase = phase_next(locked.phase)
    if to_phase is None:
        raise ValidationError(_("Deze cyclus is al afgerond."))
    items = gates.checklist(locked)
    if not gates.gate_passes(items):
        raise GateBlocked(items)
    transition = _transition(
        cycle=locked,
        to_phase=to_phase,
        actor=actor,
        note=note.strip(),
        direction=PhaseTransition.Direction.FORWARD,
    )
    cycle.phase, cycle.phase_changed_at = locked.phase, locked.phase_changed_at
    return transition


@transaction.atomic
def cycle_go_back(*, cycle: Cycle, actor, reason: str) -> PhaseTransition:
    """Return to the previous phase. Needs a reason; a finished cycle stays closed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden om een fase terug te gaan.")})
    locked = _lock(cycle)
    if locked.phase == Phase.AFGEROND:
        raise ValidationError(_("Een afgeronde cyclus kan niet worden heropend."))
    to_phase = phase_previous(locked.phase)
    if to_phase is None:
        raise ValidationError(_("Data is de eerste fase; verder terug kan niet."))
    transition = _transition(
        cycle=locked,
        to_phase=to_phase,
        actor=actor,
        note=reason,
        direction=PhaseTransition.Direction.BACK,
    )
    cycle.phase, cycle.phase_changed_at = locked.phase, locked.phase_changed_at
    return transition


def cycle_waive_analyses(*, cycle: Cycle, waived: bool, reason: str = "") -> Cycle:
    _require_editable(cycle, "waiver")
    reason = reason.strip()
    if waived and not reason:
        raise ValidationError(
            {"reason": _("Geef een reden waarom schoolanalyses niet nodig zijn.")}
        )
    cycle.analyses_waived = waived
    cycle.analyses_waiver_reason = reason if waived else ""
    cycle.save(update_fields=["analyses_waived", "analyses_waiver_reason"])
    return cycle


def cycle_evaluation_update(
    *, cycle: Cycle, process_evaluation: str, lessons_learned: str
) -> Cycle:
    _require_editable(cycle, "evaluation")
    cycle.process_evaluation = process_evaluation.strip()
    cycle.lessons_learned = lessons_learned.strip()
    cycle.save(update_fields=["process_evaluation", "lessons_learned"])
    return cycle


# --- Duiden ----------------------------------------------------------------------------------------


def _check_same_municipality(cycle: Cycle, label: str, objects) -> None:
    """Related schools/partners/sessions must belong to the cycle's municipality (forms filter the
    choices too; this is the guard for anything that reaches a service another way)."""
    for obj in objects or ():
        if obj is not None and obj.municipality_id != cycle.municipality_id:
            raise ValidationError({label: _("Kies alleen uit deze gemeente.")})


@transaction.atomic
def session_save(
    *,
    cycle: Cycle,
    session: StakeholderSession | None = None,
    date: datetime.date,
    title: str,
    partners=(),
    schools=(),
    other_participants: str = "",
    minutes: str = "",
    decisions: str = "",
) -> StakeholderSession:
    _require_editable(cycle, "session")
    _check_same_municipality(cycle, "partners", partners)
    _check_same_municipality(cycle, "schools", schools)
    session = session or StakeholderSession(municipality_id=cycle.municipality_id, cycle=cycle)
    session.date, session.title = date, title
    session.other_participants, session.minutes, session.decisions = (
        other_participants,
        minutes,
        decisions,
    )
    session.save()
    session.partners.set(partners)
    session.schools.set(schools)
    return session


def session_delete_check(*, cycle: Cycle, session: StakeholderSession) -> None:
    """Raise a Dutch ValidationError when the session may not be deleted now."""
    _require_editable(cycle, "session")
    if session.cycle_id != cycle.pk:
        raise ValidationError(_("Deze sessie hoort niet bij deze cyclus."))


def session_delete(*, cycle: Cycle, session: StakeholderSession, user) -> None:
    """Delete a session with its attachments (the stored files go after the commit); findings
    that refer to it only lose the link."""
    with transaction.atomic(), audit_context(event="", actor=user):
        locked = _lock(cycle)
        session = _lock_object(StakeholderSession, session)
        session_delete_check(cycle=locked, session=session)
        files = [(a.file.storage, a.file.name) for a in session.attachments.all() if a.file]
        _delete(session)
        for storage, name in files:
            # Only once the rows are gone for good; a failure is logged, not raised.
            transaction.on_commit(partial(storage.delete, name), robust=True)


def attachment_add(*, cycle: Cycle, session: StakeholderSession, file) -> SessionAttachment:
    _require_editable(cycle, "session")
    return SessionAttachment.objects.create(
        municipality_id=cycle.municipality_id, session=session, file=file, name=file.name[:200]
    )


@transaction.atomic
def finding_save(
    *,
    cycle: Cycle,
    finding: Finding | None = None,
    theme: str,
    domain: str,
    target_group: str,
    evidence: str = "",
    priority: int | None = None,
    sessions=(),
) -> Finding:
    _require_editable(cycle, "finding")
    for s in sessions or ():
        if s.cycle_id != cycle.pk:
            raise ValidationError({"sessions": _("Kies alleen sessies van deze cyclus.")})
    finding = finding or Finding(municipality_id=cycle.municipality_id, cycle=cycle)
    finding.theme, finding.domain, finding.target_group = theme, domain, target_group
    finding.evidence, finding.priority = evidence, priority
    finding.save()
    finding.sessions.set(sessions)
    return finding


def finding_delete_check(*, cycle: Cycle, finding: Finding) -> None:
    """Raise a Dutch ValidationError when the finding may not be deleted now."""
    _require_editable(cycle, "finding")
    if finding.cycle_id != cycle.pk:
        raise ValidationError(_("Deze bevinding hoort niet bij deze cyclus."))


def finding_delete(*, cycle: Cycle, finding: Finding, user) -> None:
    """Delete a finding; goals that refer to it only lose the link."""
    with transaction.atomic(), audit_context(event="", actor=user):
        locked = _lock(cycle)
        finding = _lock_object(Finding, finding)
        finding_delete_check(cycle=locked, finding=finding)
        _delete(finding)


# --- Doelen ----------------------------------------------------------------------------------------

GOAL_FIELDS = (
    "title",
    "description",
    "target_group",
    "indicator",
    "baseline",
    "target_value",
    "unit",
    "deadline",
    "spending_category",
)
GOAL_RELATIONS = ("findings", "interventions", "responsible_partners", "schools")


def _display(goal: Goal, name: str, value) -> str:
    if value in (None, ""):
        return "—"
    field = goal._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


@transaction.atomic
def goal_save(
    *,
    cycle: Cycle,
    goal: Goal | None = None,
    actor=None,
    reason: str = "",
    data: dict,
) -> Goal:
    """Create or change a goal. Once the cycle is in Doen, a change is a bijstelling: it needs a
    reason and is logged with the old and new values. ``data`` holds GOAL_FIELDS and
    GOAL_RELATIONS (querysets or lists)."""
    _require_editable(cycle, "goal")
    fixed = rules.goal_is_fixed(cycle)
    if goal is None and fixed:
        raise ValidationError(_("In deze fase voeg je geen nieuwe doelen meer toe."))
    for name in ("responsible_partners", "schools"):
        _check_same_municipality(cycle, name, data.get(name))
    for finding in data.get("findings") or ():
        if finding.cycle_id != cycle.pk:
            raise ValidationError({"findings": _("Kies alleen bevindingen van deze cyclus.")})

    creating = goal is None
    if creating:
        goal = Goal(municipality_id=cycle.municipality_id, cycle=cycle)
    else:
        # Compare with what is stored, not with an instance a ModelForm may already have changed.
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
    changes: dict[str, list[str]] = {}
    for name in GOAL_FIELDS:
        new = data.get(name, getattr(goal, name))
        if name in ("baseline", "target_value") and new is not None:
            new = Decimal(new)
        old = getattr(goal, name)
        if not creating and old != new:
            changes[str(goal._meta.get_field(name).verbose_name)] = [
                _display(goal, name, old),
                _display(goal, name, new),
            ]
        setattr(goal, name, new)
    if not creating:
        for name in GOAL_RELATIONS:
            if name not in data:
                continue
            old_ids = {o.pk for o in getattr(goal, name).all()}
            new_objs = list(data[name])
            if old_ids != {o.pk for o in new_objs}:
                changes[str(goal._meta.get_field(name).verbose_name)] = [
                    ", ".join(sorted(str(o) for o in getattr(goal, name).all())) or "—",
                    ", ".join(sorted(str(o) for o in new_objs)) or "—",
                ]
    if fixed and changes:
        reason = reason.strip()
        if not reason:
            raise ValidationError(
                {
                    "reason": _(
                        "Dit doel ligt vast in de fase Doen: geef een reden voor de bijstelling."
                    )
                }
            )
    goal.save()
    for name in GOAL_RELATIONS:
        if name in data:
            getattr(goal, name).set(data[name])
    if fixed and changes:
        GoalRevision.objects.create(
            municipality_id=cycle.municipality_id,
            goal=goal,
            reason=reason,
            changes=changes,
            actor=actor,
        )
    return goal


def goal_delete_check(*, cycle: Cycle, goal: Goal) -> None:
    """Raise a Dutch ValidationError when the goal may not be deleted now: its phase, a fixed goal,
    or recorded monitoring (progress updates of its activities, an outcome) that would go with it."""
    _require_editable(cycle, "goal")
    if goal.cycle_id != cycle.pk:
        raise ValidationError(_("Dit doel hoort niet bij deze cyclus."))
    if rules.goal_is_fixed(cycle):
        raise ValidationError(
            _("Een vastgesteld doel verwijder je niet; stel het bij met een reden.")
        )
    if ProgressUpdate.objects.filter(activity__goal=goal).exists():
        raise ValidationError(
            _("Bij dit doel is voortgang vastgelegd; het kan daarom niet worden verwijderd.")
        )
    if GoalOutcome.objects.filter(goal=goal).exists():
        raise ValidationError(
            _(
                "Van dit doel is het resultaat al geëvalueerd; het kan daarom niet worden "
                "verwijderd."
            )
        )


def goal_delete(*, cycle: Cycle, goal: Goal, user) -> None:
    """Delete a goal that has no recorded progress or outcome, with its activities and
    bijstellingen; findings and spending goals that refer to it only lose the link."""
    with transaction.atomic(), audit_context(event="", actor=user):
        locked = _lock(cycle)
        goal = _lock_object(Goal, goal)
        goal_delete_check(cycle=locked, goal=goal)
        _delete(goal)


# --- Doen -----------------------------------------------------------------------------------------


@transaction.atomic
def activity_save(
    *,
    cycle: Cycle,
    goal: Goal,
    activity: Activity | None = None,
    title: str,
    description: str = "",
    executing_partner=None,
    schools=(),
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    status: str = "planned",
) -> Activity:
    _require_editable(cycle, "activity")
    if goal.cycle_id != cycle.pk:
        raise ValidationError({"goal": _("Kies een doel van deze cyclus.")})
    _check_same_municipality(cycle, "executing_partner", [executing_partner])
    _check_same_municipality(cycle, "schools", schools)
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("De einddatum ligt voor de begindatum.")})
    activity = activity or Activity(municipality_id=cycle.municipality_id)
    activity.goal = goal
    activity.title, activity.description = title, description
    activity.executing_partner = executing_partner
    activity.start_date, activity.end_date, activity.status = start_date, end_date, status
    activity.save()
    activity.schools.set(schools)
    return activity


@transaction.atomic
def progress_add(
    *,
    cycle: Cycle,
    activity: Activity,
    date: datetime.date,
    narrative: str,
    status: str,
    measured_value: Decimal | None = None,
    author=None,
) -> ProgressUpdate:
    """Record progress; the activity takes the status of its newest update."""
    _require_editable(cycle, "progress")
    if activity.goal.cycle_id != cycle.pk:
        raise ValidationError(_("Deze activiteit hoort niet bij deze cyclus."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("Een voortgangsupdate kan niet in de toekomst liggen.")})
    update = ProgressUpdate.objects.create(
        municipality_id=cycle.municipality_id,
        activity=activity,
        date=date,
        narrative=narrative,
        measured_value=measured_value,
        status=status,
        author=author,
    )
    newest = activity.updates.order_by("-date", "-created_at", "-pk").first()
    if newest.pk == update.pk and activity.status != status:
        activity.status = status
        activity.save(update_fields=["status"])
    return update


def activity_delete_check(*, cycle: Cycle, activity: Activity) -> None:
    """Raise a Dutch ValidationError when the activity may not be deleted now."""
    _require_editable(cycle, "activity")
    if activity.goal.cycle_id != cycle.pk:
        raise ValidationError(_("Deze activiteit hoort niet bij deze cyclus."))
    if ProgressUpdate.objects.filter(activity=activity).exists():
        raise ValidationError(
            _(
                "Bij deze activiteit is voortgang vastgelegd; ze kan daarom niet worden "
                "verwijderd. Zet de status op Gestopt als ze niet doorgaat."
            )
        )


def activity_delete(*, cycle: Cycle, activity: Activity, user) -> None:
    """Delete an activity without recorded progress; budget rows that refer to it only lose the
    link."""
    with transaction.atomic(), audit_context(event="", actor=user):
        locked = _lock(cycle)
        activity = _lock_object(Activity, activity)
        activity_delete_check(cycle=locked, activity=activity)
        _delete(activity)


# --- Evaluatie ------------------------------------------------------------------------------------


def goal_outcome_set(*, cycle: Cycle, goal: Goal, result: str, explanation: str) -> GoalOutcome:
    _require_editable(cycle, "evaluation")
    if goal.cycle_id != cycle.pk:
        raise ValidationError(_("Dit doel hoort niet bij deze cyclus."))
    if not explanation.strip():
        raise ValidationError({"explanation": _("Licht het resultaat toe.")})
    outcome, _created = GoalOutcome.objects.update_or_create(
        goal=goal,
        defaults={
            "municipality_id": cycle.municipality_id,
            "result": result,
            "explanation": explanation.strip(),
            "updated_at": timezone.now(),
        },
    )
    return outcome


# --- The next cycle --------------------------------------------------------------------------------


def next_cycle_defaults(cycle: Cycle) -> dict:
    """A proposal for the next cycle: the following period of the same length."""
    start = cycle.end_date + datetime.timedelta(days=1)
    try:
        end = cycle.end_date.replace(year=cycle.end_date.year + 1)
    except ValueError:  # 29 February
        end = cycle.end_date + datetime.timedelta(days=365)
    return {
        "title": _("4D-cyclus %(start)s–%(end)s") % {"start": start.year, "end": end.year},
        "start_date": start,
        "end_date": end,
    }


@transaction.atomic
def cycle_start_next(
    *,
    cycle: Cycle,
    actor,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
) -> Cycle:
    """Start the next cycle in Data from a finished one: carry over the goals that were not (fully)
    achieved with their unfinished activities, marked as carried over, and the lessons learned."""
    locked = _lock(cycle)
    if locked.phase != Phase.AFGEROND:
        raise ValidationError(_("Rond deze cyclus eerst af voordat je de volgende start."))
    if Cycle.objects.filter(predecessor=locked).exists():
        raise ValidationError(_("De volgende cyclus is al gestart."))
    new = cycle_create(
        municipality=locked.municipality,
        title=title,
        start_date=start_date,
        end_date=end_date,
        actor=actor,
        predecessor=locked,
        previous_lessons=locked.lessons_learned,
    )
    goals = list(
        unfinished_goals(cycle=locked).prefetch_related(
            "interventions", "responsible_partners", "schools"
        )
    )
    latest = dict(
        goals_with_latest_measurement()
        .filter(pk__in=[g.pk for g in goals])
        .values_list("pk", "latest_measurement")
    )
    activities_by_goal: dict[int, list[Activity]] = {}
    for activity in (
        Activity.objects.filter(goal__in=goals, status__in=UNFINISHED_ACTIVITY_STATUSES)
        .prefetch_related("schools")
        .order_by("pk")
    ):
        activities_by_goal.setdefault(activity.goal_id, []).append(activity)

    for old in goals:
        # The last measurement is the new starting point; the old baseline when never measured.
        baseline = latest.get(old.pk)
        new_goal = Goal.objects.create(
            municipality_id=new.municipality_id,
            cycle=new,
            title=old.title,
            description=old.description,
            target_group=old.target_group,
            indicator=old.indicator,
            baseline=baseline if baseline is not None else old.baseline,
            target_value=old.target_value,
            unit=old.unit,
            deadline=old.deadline,
            spending_category=old.spending_category,
            carried_over=True,
            carried_from=old,
        )
        new_goal.interventions.set(old.interventions.all())
        new_goal.responsible_partners.set(old.responsible_partners.all())
        new_goal.schools.set(old.schools.all())
        for old_activity in activities_by_goal.get(old.pk, []):
            new_activity = Activity.objects.create(
                municipality_id=new.municipality_id,
                goal=new_goal,
                title=old_activity.title,
                description=old_activity.description,
                executing_partner_id=old_activity.executing_partner_id,
                start_date=old_activity.start_date,
                end_date=old_activity.end_date,
                status=old_activity.status,
                carried_over=True,
                carried_from=old_activity,
            )
            new_activity.schools.set(old_activity.schools.all())
    return new
