"""No lost edits: every edit form of a shared object carries the version it was opened on.

The version is the row's ``updated_at`` stamp (every ``TenantModel`` has one, ``auto_now``), so
no extra column is needed. The form sends it back in a hidden field (``VersionedFormMixin``); the
write service calls ``version_check(instance, version)`` inside its transaction, which locks the
row (``SELECT ... FOR UPDATE``: parallel saves queue up behind each other) and refuses with
``EditConflict`` when the stored stamp is not the one the form was opened on. The message says
what changed and who changed it, from the audit trail; the view puts it on the form, which keeps
the user's input and now carries the new version, so saving again is a deliberate overwrite.

A save that changes the row must write ``updated_at`` (``save()`` does; with ``update_fields``
name it too), or the next editor's version still matches.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

VERSION_FIELD = "versie"
MAX_CHANGES = 12


def version_of(instance) -> str:
    """The version token of a saved row ('' for a new one)."""
    stamp = getattr(instance, "updated_at", None) if instance.pk else None
    return _token(stamp)


def _token(stamp: datetime.datetime | None) -> str:
    if stamp is None:
        return ""
    return stamp.astimezone(datetime.UTC).isoformat()


class EditConflict(ValidationError):
    """Someone saved the object after this form was opened. ``version`` is the stored one."""

    def __init__(self, messages: list[str], *, version: str):
        self.version = version
        super().__init__(messages, code="edit_conflict")


def version_check(instance, version: str | None) -> None:
    """Refuse (``EditConflict``) when ``instance``'s row changed since ``version``.

    Call inside the write's transaction, before changing anything. ``version=None`` (a caller
    without a form: demo data, imports) checks nothing; a new object has nothing to check.
    """
    if version is None or not instance.pk:
        return
    model = type(instance)
    stored = (
        model._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("updated_at", flat=True)
        .first()
    )
    if stored is None:
        raise ValidationError(
            _("Dit is intussen door iemand anders verwijderd; er is niets opgeslagen."),
            code="edit_conflict",
        )
    current = _token(stored)
    if current != version:
        raise EditConflict(_conflict_messages(instance, since=version), version=current)


def _conflict_messages(instance, *, since: str) -> list[str]:
    from municipalities.models import AuditLogEntry

    try:
        after = datetime.datetime.fromisoformat(since)
    except ValueError:
        after = None
    entries = AuditLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_pk=str(instance.pk),
    ).select_related("actor")
    if after is not None:
        entries = entries.filter(timestamp__gt=after)
    messages = [
        _(
            "Iemand anders heeft dit opgeslagen nadat je het formulier opende. Je invoer staat "
            "hieronder nog, maar is niet opgeslagen. Vergelijk met de wijzigingen hieronder en "
            "sla opnieuw op om ze te overschrijven."
        )
    ]
    for entry in entries.order_by("timestamp", "pk")[:MAX_CHANGES]:
        messages.append(
            _("%(who)s op %(when)s: %(what)s")
            % {
                "who": _who(entry),
                "when": formats.date_format(timezone.localtime(entry.timestamp), "DATETIME_FORMAT"),
                "what": _changes(instance, entry.changes_dict) or _("gewijzigd"),
            }
        )
    return messages


def _who(entry) -> str:
    actor = entry.actor
    if actor is not None:
        name = actor.get_full_name()
        return f"{name} ({actor.email})" if name and name != actor.email else actor.email
    return entry.actor_email or _("iemand (geen gebruiker bekend)")


def _changes(instance, changes: dict) -> str:
    parts = []
    for name, values in changes.items():
        try:
            label = str(instance._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 - a field that no longer exists keeps its own name
            label = name
        if isinstance(values, list | tuple) and len(values) == 2:
            old, new = (_shown(v) for v in values)
            parts.append(
                _("%(field)s van „%(old)s” naar „%(new)s”")
                % {
                    "field": label,
                    "old": old,
                    "new": new,
                }
            )
        else:
            parts.append(label)
    return "; ".join(parts)


def _shown(value) -> str:
    text = "—" if value in (None, "", "None") else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


class VersionedFormMixin:
    """A hidden ``versie`` field with the version the form was opened on (ModelForms: of
    ``self.instance``). An edit posted without it is refused (a page from before versions)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=self.version_initial()
        )

    def version_initial(self) -> str:
        instance = getattr(self, "instance", None)
        return version_of(instance) if instance is not None else ""

    def clean_versie(self) -> str:
        value = self.cleaned_data.get(VERSION_FIELD, "")
        if self.version_initial() and not value:
            raise ValidationError(STALE_FORM)
        return value

    def clean(self):
        # Out of cleaned_data (views pass that on to services as keyword arguments); the view
        # hands it to the service through pop_version().
        cleaned = super().clean()
        self.version = (cleaned or self.cleaned_data).pop(VERSION_FIELD, None) or None
        return cleaned

    def pop_version(self, data: dict) -> str | None:
        """The version the form was opened on, for the service (``data``: a copy of
        cleaned_data, from which it is removed if still there)."""
        return data.pop(VERSION_FIELD, None) or getattr(self, "version", None)

    def show_conflict(self, conflict: EditConflict) -> None:
        """Put the conflict on the form, keep the input and carry the stored version, so a
        second save is a deliberate overwrite."""
        self.add_error(None, conflict.messages)
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = conflict.version


STALE_FORM = gettext_lazy(
    "Dit formulier mist zijn versie (de pagina is van voor een wijziging van de site). Er is niets "
    "opgeslagen; open het formulier opnieuw."
)
