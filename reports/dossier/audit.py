"""The stream's audit trail in the dossier, as CSV: who changed what and when, with the actor's
name and role in the municipality; never an IP address, a port or a browser."""

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.snapshot.common import date_display


def _stream_objects(d) -> dict[int, set[str]]:
    """Per content type id, the pks (as text) of the municipality's objects of this stream."""
    from django.contrib.contenttypes.models import ContentType

    from municipalities.audit import logged_models

    found: dict[int, set[str]] = {}
    for model in logged_models():
        names = {f.name for f in model._meta.get_fields()}
        if "stream" in names:
            lookup = {"stream": d.stream}
        elif "accounting" in names:
            lookup = {"accounting__stream": d.stream}
        else:
            continue
        if not hasattr(model.objects, "for_municipality"):
            continue
        pks = (
            model.objects.for_municipality(d.municipality)
            .filter(**lookup)
            .values_list("pk", flat=True)
        )
        found[ContentType.objects.get_for_model(model).pk] = {str(pk) for pk in pks}
    return found


def _roles(d) -> dict[int, str]:
    from municipalities.models import Membership

    roles: dict[int, list[str]] = {}
    memberships = (
        Membership.objects.for_municipality(d.municipality)
        .order_by("user_id", "pk")
        .values_list("user_id", "role")
    )
    labels = dict(Membership._meta.get_field("role").flatchoices)
    for user_id, role in memberships:
        label = str(labels.get(role, role))
        if label not in roles.setdefault(user_id, []):
            roles[user_id].append(label)
    return {user_id: ", ".join(labels) for user_id, labels in roles.items()}


def audit_trail(d) -> None:
    """The stream's audit trail: every logged change of the stream's objects (transactions,
    allocations, beschikkingen, freezes, close-out entries, its report jobs), with the actor's
    name and role; never an address, a port or a browser."""
    from municipalities.models import AuditLogEntry
    from municipalities.selectors import audit_changes

    objects = _stream_objects(d)
    roles = _roles(d)
    stream_pk = str(d.stream.pk)
    entries = (
        AuditLogEntry.objects.for_municipality(d.municipality)
        .filter(content_type_id__in=list(objects))
        .select_related("actor", "content_type")
        .order_by("timestamp", "pk")
    )
    actions = {
        AuditLogEntry.Action.CREATE: _("aangemaakt"),
        AuditLogEntry.Action.UPDATE: _("gewijzigd"),
        AuditLogEntry.Action.DELETE: _("verwijderd"),
    }
    events = dict(AuditLogEntry.Event.choices)
    headers = [
        _("Tijdstip"),
        _("Naam"),
        _("Rol"),
        _("Actie"),
        _("Soort gegeven"),
        _("Gegeven"),
        _("Wijzigingen"),
    ]

    def belongs(entry) -> bool:
        if entry.object_pk in objects.get(entry.content_type_id, ()):
            return True
        # A deleted object is no longer in the table; its last entry still names the stream.
        stream_change = (
            (entry.changes or {}).get("stream") if isinstance(entry.changes, dict) else None
        )
        return isinstance(stream_change, list | tuple) and stream_pk in [
            str(v) for v in stream_change
        ]

    def write(rows, batch) -> None:
        changes = audit_changes(batch)
        for entry in batch:
            actor = entry.actor
            if actor is None:
                name, role = _("systeem"), ""
            else:
                name = actor.display_name or _("gebruiker %(pk)s") % {"pk": actor.pk}
                role = roles.get(actor.pk) or (_("beheerder") if actor.is_staff else "")
            model = entry.content_type.model_class()
            rows.writerow(
                [
                    timezone.localtime(entry.timestamp).strftime("%d-%m-%Y %H:%M:%S"),
                    name,
                    role,
                    str(events.get(entry.event) or actions.get(entry.action, "")),
                    str(model._meta.verbose_name) if model else entry.content_type.model,
                    entry.object_repr,
                    "; ".join(f"{c.label}: {c.old} → {c.new}" for c in changes.get(entry.pk, [])),
                ]
            )

    with d.writer.csv(
        f"07-activiteitenlog/activiteitenlog-{d.stream.code}.csv",
        source=_(
            "Activiteitenlog van de gegevens van %(stream)s (wie wat wanneer wijzigde, met naam "
            "en rol; zonder IP-adressen en browsergegevens), stand %(now)s"
        )
        % {"stream": d.stream.name, "now": date_display(timezone.localtime(d.made_at))},
        moment=d.made_at,
        headers=headers,
    ) as rows:
        batch = []
        for entry in entries.iterator(chunk_size=500):
            if belongs(entry):
                batch.append(entry)
            if len(batch) >= 500:
                write(rows, batch)
                batch = []
        if batch:
            write(rows, batch)
