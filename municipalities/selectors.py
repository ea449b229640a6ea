"""Reads for tenancy: memberships, invitations and the Activiteitenlog."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from municipalities.audit import logged_models
from municipalities.models import (
    AuditLogEntry,
    Invitation,
    Membership,
    Municipality,
    ReadLogEntry,
)


def memberships_of_user(*, user) -> list[Membership]:
    return list(
        Membership.objects.active()
        .filter(user=user, municipality__is_active=True)
        .select_related("municipality", "school")
        .order_by("municipality__name")
    )


def municipality_members(*, municipality: Municipality) -> list[Membership]:
    return list(
        Membership.objects.for_municipality(municipality)
        .active()
        .select_related("user", "school")
        .order_by("role", "user__email")
    )


def membership_get(*, municipality: Municipality, pk: int) -> Membership:
    # 404, not 403: never reveal that another municipality's membership exists.
    return get_object_or_404(
        Membership.objects.for_municipality(municipality).active().select_related("user"), pk=pk
    )


def invitations_open(*, municipality: Municipality) -> list[Invitation]:
    """Invitations that are neither accepted nor revoked (expired ones included, marked)."""
    return list(
        Invitation.objects.for_municipality(municipality)
        .open()
        .select_related("invited_by", "school")
        .order_by("-created_at")
    )


def invitation_get(*, municipality: Municipality, pk: int) -> Invitation:
    return get_object_or_404(Invitation.objects.for_municipality(municipality), pk=pk)


def invitation_by_token(*, token: str) -> Invitation | None:
    from municipalities.services import invitation_token_hash

    return (
        Invitation.objects.select_related("municipality", "school")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


# --- Activiteitenlog ---------------------------------------------------------------------------

# The action filter: auditlog's row actions plus login.
ACTION_FILTERS = {
    "create": Q(action=AuditLogEntry.Action.CREATE),
    "update": Q(action=AuditLogEntry.Action.UPDATE),
    "delete": Q(action=AuditLogEntry.Action.DELETE),
    "login": Q(event=AuditLogEntry.Event.LOGIN),
}


def audit_content_types() -> list[ContentType]:
    """The kinds of object that appear in a municipality's log (cached by ContentType)."""
    by_model = ContentType.objects.get_for_models(*logged_models())
    return sorted(by_model.values(), key=lambda ct: str(ct.model_class()._meta.verbose_name))


def audit_actors(*, municipality: Municipality) -> QuerySet:
    """Everyone who is or was a member: the choices of the 'who' filter."""
    return (
        get_user_model()
        .objects.filter(memberships__municipality=municipality)
        .distinct()
        .order_by("email")
    )


def audit_entries(
    *,
    municipality: Municipality,
    actor=None,
    content_type: ContentType | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    entries = AuditLogEntry.objects.for_municipality(municipality).select_related(
        "actor", "content_type"
    )
    if actor is not None:
        entries = entries.filter(actor=actor)
    if content_type is not None:
        entries = entries.filter(content_type=content_type)
    if action in ACTION_FILTERS:
        entries = entries.filter(ACTION_FILTERS[action])
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(timestamp__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
        entries = entries.filter(timestamp__lt=end)
    return entries.order_by("-timestamp", "-pk")


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


def _display(value, field, fk_names: dict) -> str:
    if value in (None, "None", ""):
        return "–"
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.many_to_one:
        return fk_names.get((field.related_model, str(value)), str(value))
    if field is not None and field.get_internal_type() == "BooleanField":
        return str({"True": _("ja"), "False": _("nee")}.get(str(value), value))
    if field is not None and field.get_internal_type() == "DateTimeField":
        # auditlog stores naive UTC; show local time.
        try:
            moment = datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
        except ValueError:
            return str(value)
        return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    return str(value)


def audit_changes(entries: list[AuditLogEntry]) -> dict[int, list[FieldChange]]:
    """Readable field changes per entry: verbose field names, choice labels and the names of
    related objects, looked up with one query per related model (not per row)."""
    wanted: dict[type, set[str]] = {}
    parsed = []
    for entry in entries:
        model = entry.content_type.model_class()
        rows = []
        for name, values in (entry.changes or {}).items():
            if not isinstance(values, list | tuple) or len(values) != 2:
                continue  # m2m changes and anything else auditlog may store
            try:
                field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                field = None
            if field is not None and not field.concrete:
                continue  # reverse relations that auditlog lists on create/delete
            if field is not None and field.many_to_one:
                for value in values:
                    if value not in (None, "None", ""):
                        wanted.setdefault(field.related_model, set()).add(str(value))
            rows.append((name, field, values))
        parsed.append((entry, rows))
    fk_names = {}
    for related_model, pks in wanted.items():
        # A tenant's log only names objects through their pk; another tenant's pk is impossible
        # here because every entry of the page belongs to the same municipality.
        valid = [pk for pk in pks if pk.isdigit()]
        for obj in related_model._base_manager.filter(pk__in=valid):
            fk_names[(related_model, str(obj.pk))] = str(obj)
    result = {}
    for entry, rows in parsed:
        model = entry.content_type.model_class()
        mapping = {}
        if model is not None and auditlog.contains(model):
            mapping = auditlog.get_model_fields(model)["mapping_fields"]
        changes = []
        for name, field, values in rows:
            if field is not None and field.primary_key:
                continue
            old, new = (_display(v, field, fk_names) for v in values)
            if old == new:
                continue  # e.g. an empty field on create
            label = mapping.get(name) or (field.verbose_name if field else name)
            changes.append(FieldChange(label=capfirst(str(label)), old=old, new=new))
        result[entry.pk] = changes
    return result


def read_log_entries(
    *,
    municipality: Municipality,
    viewer=None,
    school=None,
    subject: str = "",
    kind: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """The municipality's read log (newest first), filtered; one query, no joins."""
    entries = ReadLogEntry.objects.for_municipality(municipality)
    if viewer is not None:
        entries = entries.filter(user=viewer)
    if school is not None:
        entries = entries.filter(school=school)
    if subject:
        entries = entries.filter(subject__icontains=subject)
    if kind:
        entries = entries.filter(kind=kind)
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
        entries = entries.filter(at__lt=end)
    return entries.order_by("-at", "-pk")
