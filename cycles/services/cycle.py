"""The cycle and its phases: create, change, move forward or back, waive the school analyses."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cycles import gates
from cycles.models import Cycle, Phase, PhaseTransition, phase_next, phase_previous
from cycles.services.common import lock_cycle, require_editable
from municipalities.audit import audit_event_record
from municipalities.models import AuditLogEntry, Municipality
from municipalities.versions import version_check


class GateBlocked(ValidationError):
    """The exit checklist of the current phase is not complete."""

    def __init__(self, items):
        self.items = items
        open_items = [item for item in items if not item.ok]
        super().__init__(
            [f"{item.label}: {item.explanation}" for item in open_items]
            or [_("Deze fase kan niet verder.")]
        )


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


@transaction.atomic
def cycle_update(
    *,
    cycle: Cycle,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
    version: str | None = None,
):
    """Change the cycle's title and dates. ``version``: what the form was opened on; a newer
    stored cycle raises EditConflict."""
    require_editable(cycle, "cycle")
    _check_dates(start_date, end_date)
    version_check(cycle, version)
    cycle.title, cycle.start_date, cycle.end_date = title, start_date, end_date
    cycle.save(update_fields=["title", "start_date", "end_date", "updated_at"])
    return cycle


class PhaseMoved(ValidationError):
    """The cycle is no longer in the phase the move started from: someone (or an earlier click)
    moved it already. Nothing is changed."""

    def __init__(self, cycle: Cycle):
        last = (
            PhaseTransition.objects.filter(cycle=cycle)
            .select_related("actor")
            .order_by("-created_at", "-pk")
            .first()
        )
        phase = cycle.get_phase_display()
        if last is None:
            message = _("De cyclus staat intussen in de fase %(phase)s. Er is niets veranderd.") % {
                "phase": phase
            }
        else:
            actor = last.actor
            who = (actor.get_full_name() or actor.email) if actor else _("iemand")
            message = _(
                "De cyclus is intussen al naar de fase %(phase)s gezet door %(who)s op %(when)s. "
                "Er is niets veranderd; bekijk de fase en probeer het zo nodig opnieuw."
            ) % {
                "phase": phase,
                "who": who,
                "when": formats.date_format(timezone.localtime(last.created_at), "DATETIME_FORMAT"),
            }
        super().__init__(message, code="phase_moved")


def _check_from_phase(locked: Cycle, from_phase: str | None) -> None:
    if from_phase is not None and locked.phase != from_phase:
        raise PhaseMoved(locked)


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
def cycle_advance(
    *, cycle: Cycle, actor, note: str = "", from_phase: str | None = None
) -> PhaseTransition:
    """Move to the next phase if the exit checklist is complete; else raise GateBlocked.

    ``from_phase`` (what the user saw): refused with PhaseMoved when the cycle is elsewhere now.
    """
    locked = lock_cycle(cycle)
    _check_from_phase(locked, from_phase)
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
def cycle_go_back(
    *, cycle: Cycle, actor, reason: str, from_phase: str | None = None
) -> PhaseTransition:
    """Return to the previous phase. Needs a reason; a finished cycle stays closed.

    ``from_phase`` (what the user saw): refused with PhaseMoved when the cycle is elsewhere now.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden om een fase terug te gaan.")})
    locked = lock_cycle(cycle)
    _check_from_phase(locked, from_phase)
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


def cycle_waive_analyses(
    *, cycle: Cycle, waived: bool, reason: str = "", analyses_due=None
) -> Cycle:
    require_editable(cycle, "waiver")
    reason = reason.strip()
    if waived and not reason:
        raise ValidationError(
            {"reason": _("Geef een reden waarom schoolanalyses niet nodig zijn.")}
        )
    cycle.analyses_waived = waived
    cycle.analyses_waiver_reason = reason if waived else ""
    cycle.analyses_due = analyses_due
    cycle.save(update_fields=["analyses_waived", "analyses_waiver_reason", "analyses_due"])
    return cycle
