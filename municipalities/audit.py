"""The audit trail: who changed what, when, in which municipality.

Built on django-auditlog (signal handlers, field diffs old -> new, the actor and address from
``auditlog.middleware.AuditlogMiddleware``) with our own log-entry model
``municipalities.models.AuditLogEntry`` (``AUDITLOG_LOGENTRY_MODEL``), which adds two columns:

* ``municipality`` – the tenant the entry belongs to, so every municipality's Activiteitenlog is a
  plain indexed filter on SQLite and PostgreSQL alike (no JSON lookups);
* ``event`` – a named event for things that are not a row change: login, failed login, invitation
  sent/accepted/revoked, membership ended, phase changed.

For other engineers – what you get without doing anything
---------------------------------------------------------
``register_tenant_models()`` runs in ``MunicipalitiesConfig.ready()``, after every app's models are
loaded. It registers **every** ``TenantModel`` (municipalities.models) with auditlog, so each
create, update and delete of such a model (through ``save()`` and ``delete()``;
``bulk_create``/``QuerySet.update`` send no signals and are therefore not logged) is recorded with
the changed fields and lands in that municipality's Activiteitenlog. ``schools.School`` is not a
``TenantModel`` (reference data) but is logged the same way: the schools app calls ``register``.

* The stamps ``created_at`` and ``updated_at`` are never in the trail (``updated_at`` changes on
  every save; the entry has its own timestamp).
* Keep a field out of the trail (a secret, a big blob): give the model a class attribute
  ``AUDIT_EXCLUDE_FIELDS = ("field_name", ...)``.
* Log the changes of a many-to-many field too: ``AUDIT_M2M_FIELDS = ("field_name", ...)``.
* Register a model yourself with other auditlog options: call ``auditlog.register(...)`` in your
  app's ``AppConfig.ready()`` (it replaces our registration).
* Bulk imports that should not fill the log: wrap them in ``auditlog.context.disable_auditlog()``.
* A named event (e.g. a phase change): call
  ``audit_event_record(event=AuditLogEntry.Event.PHASE_CHANGED, municipality=..., actor=...,
  obj=cycle, changes={"phase": ["data", "duiden"]})``. A plain update of a registered model is
  already logged with its field diff; the named event makes it easy to filter.

Login and failed login are recorded from Django's auth signals (``user_logged_in``,
``user_login_failed``). A login is written once per municipality the user belongs to (so it shows
in each Activiteitenlog); a failed login has no municipality and only platform staff see it (Django
admin, /beheer/). Entries cannot be changed or deleted through the ORM.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import auditlog_value, set_extra_data
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.dispatch import receiver

MAX_EMAIL = 254


# Bookkeeping of every TenantModel: never in the trail.
STAMP_FIELDS = ("created_at", "updated_at")


def tenant_models() -> list[type[models.Model]]:
    """Every installed tenant-owned model: the concrete subclasses of ``TenantModel``."""
    from municipalities.models import TenantModel

    return [model for model in apps.get_models() if issubclass(model, TenantModel)]


# The models whose changes go to a municipality's log, in the order they were registered.
_logged: dict[type[models.Model], None] = {}


def register(model: type[models.Model]) -> None:
    """Log ``model``'s changes in the municipality's trail: every field except the stamps and
    ``AUDIT_EXCLUDE_FIELDS``, plus the many-to-many fields in ``AUDIT_M2M_FIELDS``. A model
    registered with auditlog already keeps its own options."""
    _logged[model] = None
    if auditlog.contains(model):
        return
    exclude = dict.fromkeys([*STAMP_FIELDS, *getattr(model, "AUDIT_EXCLUDE_FIELDS", ())])
    auditlog.register(
        model,
        exclude_fields=list(exclude),
        m2m_fields=set(getattr(model, "AUDIT_M2M_FIELDS", ())),
    )


def logged_models() -> list[type[models.Model]]:
    """The kinds of object in a municipality's Activiteitenlog: the models passed to
    ``register`` (the municipality, every ``TenantModel``, schools)."""
    return list(_logged)


def register_tenant_models() -> None:
    """Register the tenant models, the municipality itself and users with auditlog."""
    from municipalities.models import Municipality

    for model in [Municipality, *tenant_models()]:
        register(model)
    user_model = get_user_model()
    if not auditlog.contains(user_model):
        # Platform level (no municipality): staff see these in the admin. last_login changes on
        # every login, which has its own event; the password hash never goes into the log.
        auditlog.register(user_model, exclude_fields=["password", "last_login"])


@contextmanager
def audit_context(*, event: str, actor=None) -> Iterator[None]:
    """Tag every entry auditlog writes inside the block with ``event`` (and ``actor`` if given).

    Keeps the actor and address the middleware put in auditlog's context, and afterwards puts
    the context variable back exactly as it was (auditlog's ``set_extra_data`` leaves its own
    data behind, which a later block would have taken for a request's context).
    """
    outer = auditlog_value.get(None)
    data = {k: v for k, v in (outer or {}).items() if k != "signal_duid"}
    data["event"] = event
    if actor is not None and data.get("actor") is None:
        data["actor"] = actor
    token = auditlog_value.set(outer)
    try:
        with set_extra_data(context_data=data):
            yield
    finally:
        auditlog_value.reset(token)


def _remote_addr(request) -> str | None:
    # REMOTE_ADDR, not X-Forwarded-For: a client can put anything in that header.
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit_event_record(
    *,
    event: str,
    municipality=None,
    actor=None,
    obj=None,
    object_repr: str = "",
    changes: dict | None = None,
    request=None,
    action: int | None = None,
):
    """Write one named event to the trail. ``obj`` is the object it is about (default: the actor)."""
    from municipalities.models import AuditLogEntry

    subject = obj if obj is not None else actor
    model = type(subject) if subject is not None else get_user_model()
    pk = getattr(subject, "pk", None)
    return AuditLogEntry.objects.create(
        municipality=municipality,
        event=event,
        action=AuditLogEntry.Action.UPDATE if action is None else action,
        content_type=ContentType.objects.get_for_model(model),
        object_pk="" if pk is None else str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=object_repr or (str(subject) if subject is not None else ""),
        changes=changes,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        remote_addr=_remote_addr(request),
    )


@receiver(user_logged_in, dispatch_uid="audit_user_logged_in")
def _record_login(sender, request, user, **kwargs) -> None:
    from municipalities.models import AuditLogEntry, Municipality, active_membership_q

    municipalities = list(
        Municipality.objects.filter(active_membership_q("memberships__"), memberships__user=user)
    ) or [None]
    for municipality in municipalities:
        audit_event_record(
            event=AuditLogEntry.Event.LOGIN,
            action=AuditLogEntry.Action.ACCESS,
            municipality=municipality,
            actor=user,
            request=request,
        )


@receiver(user_login_failed, dispatch_uid="audit_user_login_failed")
def _record_failed_login(sender, credentials, request=None, **kwargs) -> None:
    from municipalities.models import AuditLogEntry

    attempted = str(credentials.get("username") or credentials.get("email") or "")[:MAX_EMAIL]
    user = get_user_model().objects.filter(email__iexact=attempted).first() if attempted else None
    audit_event_record(
        event=AuditLogEntry.Event.LOGIN_FAILED,
        action=AuditLogEntry.Action.ACCESS,
        obj=user,
        object_repr=attempted,
        request=request,
    )
