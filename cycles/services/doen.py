"""Doen: activities and the progress recorded on them."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cycles.models import Activity, Cycle, Goal, ProgressUpdate
from cycles.services.common import (
    check_same_municipality,
    delete_row,
    lock_cycle,
    lock_row,
    require_editable,
)
from municipalities.audit import audit_context
from municipalities.versions import version_check


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
    version: str | None = None,
) -> Activity:
    """Create or change an activity. ``version``: what the edit form was opened on; a newer
    stored activity raises EditConflict."""
    require_editable(cycle, "activity")
    if goal.cycle_id != cycle.pk:
        raise ValidationError({"goal": _("Kies een doel van deze cyclus.")})
    check_same_municipality(cycle, "executing_partner", [executing_partner])
    check_same_municipality(cycle, "schools", schools)
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("De einddatum ligt voor de begindatum.")})
    if activity is not None:
        version_check(activity, version)
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
    require_editable(cycle, "progress")
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
    require_editable(cycle, "activity")
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
        locked = lock_cycle(cycle)
        activity = lock_row(Activity, activity)
        activity_delete_check(cycle=locked, activity=activity)
        delete_row(activity)
