"""Helpers every cycle service shares: the phase rules, row locks, deletes and tenancy checks."""

from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from cycles import rules
from cycles.models import Cycle


def require_editable(cycle: Cycle, what: str) -> None:
    if not rules.can_edit(cycle, what):
        raise ValidationError(str(rules.NOT_EDITABLE_MESSAGES[what]))


def lock_cycle(cycle: Cycle) -> Cycle:
    """Re-read the cycle under a row lock so two phase moves cannot interleave."""
    return Cycle.objects.select_for_update().get(pk=cycle.pk)


def lock_row(model, obj):
    """Re-read a row under a lock, so the checks before a delete see what is stored now."""
    locked = model.objects.select_for_update().filter(pk=obj.pk).first()
    if locked is None:
        raise ValidationError(_("Dit is intussen al verwijderd."))
    return locked


def delete_row(obj) -> None:
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


def check_same_municipality(cycle: Cycle, label: str, objects) -> None:
    """Related schools/partners/sessions must belong to the cycle's municipality (forms filter the
    choices too; this is the guard for anything that reaches a service another way)."""
    for obj in objects or ():
        if obj is not None and obj.municipality_id != cycle.municipality_id:
            raise ValidationError({label: _("Kies alleen uit deze gemeente.")})
