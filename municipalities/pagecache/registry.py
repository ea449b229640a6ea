"""Which writes retire cached pages: models opt in with ``register(model, scope=...)``.

See the package docstring (``municipalities.pagecache``) for how versions and pages work.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models

from municipalities.pagecache import changed, enabled

# Scopes of a registered model: whose pages a write to one of its rows retires.
TENANT = "tenant"  # the row's municipality (``municipality_id``): every page of that municipality
USER = "user"  # the row's user (``user_id``; the user model: the row itself): that user's pages
REFERENCE = "reference"  # shared rows any page may show (municipalities, schools' figures): all
SCOPES = (TENANT, USER, REFERENCE)


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    scopes: frozenset[str]
    # Fields no cached page shows: a write that changes only these retires nothing.
    quiet_fields: frozenset[str]

    def quiet(self, fields: Iterable[str] | None) -> bool:
        """A write of exactly ``fields`` (None: every field) changes no cached page."""
        if fields is None or not self.quiet_fields:
            return False
        try:
            names = {self.model._meta.get_field(name).name for name in fields}
        except FieldDoesNotExist:
            return False  # the write itself reports the unknown field
        return bool(names) and names <= self.quiet_fields

    def _user_attname(self) -> str:
        return "pk" if self.model is get_user_model() else "user_id"

    def retire(self, rows: Iterable) -> None:
        """Retire the pages that show these rows (model instances)."""
        if not enabled():
            return
        if REFERENCE in self.scopes:
            changed(reference=True)
            return
        rows = list(rows)
        changed(
            municipalities={row.municipality_id for row in rows} if TENANT in self.scopes else (),
            users={getattr(row, self._user_attname()) for row in rows}
            if USER in self.scopes
            else (),
        )

    def retire_updated(self, queryset: models.QuerySet, values: dict) -> Callable[[], None]:
        """For ``queryset.update(**values)``: read now whose rows these are, retire afterwards."""
        if REFERENCE in self.scopes:
            return lambda: changed(reference=True)
        columns = {TENANT: "municipality_id", USER: self._user_attname()}
        municipalities, users = set(), set()
        for scope, found in ((TENANT, municipalities), (USER, users)):
            if scope not in self.scopes:
                continue
            column = columns[scope]
            found |= set(queryset.order_by().values_list(column, flat=True).distinct())
            # Rows moved to another municipality (or user) change that one's pages too.
            field = "municipality" if scope == TENANT else "user"
            for name in (field, f"{field}_id"):
                if name in values:
                    value = getattr(values[name], "pk", values[name])
                    if value is not None and not isinstance(value, int):
                        return lambda: changed(reference=True)  # an expression: cannot tell
                    found.add(value)
        return lambda: changed(municipalities=municipalities, users=users)


_registry: dict[type[models.Model], Registration] = {}


def register(
    model: type[models.Model],
    *,
    scope: str | Iterable[str],
    quiet_fields: Iterable[str] = (),
) -> None:
    """Writes to ``model``'s rows retire the cached pages of ``scope`` (``TENANT``, ``USER``,
    ``REFERENCE``, or a tuple of them). Called from each app's ``AppConfig.ready()``.

    Only registered models retire pages: their ``post_save``/``post_delete``, the
    ``m2m_changed`` of their many-to-many fields, and (for ``TenantQuerySet`` and
    ``ReferenceQuerySet``) their ``update()``/``bulk_create()``/``bulk_update()``. A write that
    changes only ``quiet_fields`` (bookkeeping no cached page shows, such as a job's progress)
    retires nothing.
    """
    from django.db.models.signals import m2m_changed, post_delete, post_save

    scopes = frozenset([scope] if isinstance(scope, str) else scope)
    if not scopes or not scopes <= set(SCOPES):
        raise ImproperlyConfigured(f"pagecache.register({model.__name__}): unknown scope {scope!r}")
    attnames = {field.attname for field in model._meta.concrete_fields}
    if TENANT in scopes and "municipality_id" not in attnames:
        raise ImproperlyConfigured(f"{model.__name__} has no municipality: it cannot be TENANT")
    if USER in scopes and "user_id" not in attnames and model is not get_user_model():
        raise ImproperlyConfigured(f"{model.__name__} has no user: it cannot be USER")
    quiet = frozenset(model._meta.get_field(name).name for name in quiet_fields)
    entry = Registration(model._meta.concrete_model, scopes, quiet)
    known = _registry.get(entry.model)
    if known is not None and known != entry:
        raise ImproperlyConfigured(f"{model.__name__} is already registered differently")
    _registry[entry.model] = entry
    uid = f"pagecache:{model._meta.label}"
    post_save.connect(_saved, sender=model, dispatch_uid=uid)
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(
            _m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}.{field.name}"
        )


def registration(model: type[models.Model]) -> Registration | None:
    """How writes to ``model`` retire pages; None: they never do."""
    return _registry.get(model._meta.concrete_model)


def registered_models() -> set[type[models.Model]]:
    return set(_registry)


def is_registered(model: type[models.Model]) -> bool:
    """``model`` is registered, or is the automatic through table of a registered model's
    many-to-many field (whose writes send ``m2m_changed`` for that model)."""
    owner = model._meta.auto_created or model
    return registration(owner) is not None


def _saved(sender, instance, created: bool = False, update_fields=None, **kwargs) -> None:
    found = registration(sender)
    if found is not None and (created or not found.quiet(update_fields)):
        found.retire([instance])


def _deleted(sender, instance, **kwargs) -> None:
    found = registration(sender)
    if found is not None:
        found.retire([instance])


def _m2m_changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
    """A many-to-many field of a registered model changed: retire the pages of its rows."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        registration(type(instance)).retire([instance])
    elif pk_set:
        # Changed from the other side (a school's goals, a group's users): ``pk_set`` holds the
        # rows of the model that has the field.
        registration(model).retire(model._base_manager.filter(pk__in=pk_set))
    else:
        changed(reference=True)  # cleared from the other side: which rows is not told


def queryset_update_retirement(queryset: models.QuerySet, values: dict) -> Callable[[], None]:
    """For ``QuerySet.update(**values)``, which sends no signals: call it *before* the update
    (it reads whose rows they are) and call what it returns after the update."""
    found = registration(queryset.model)
    if found is None or not enabled() or found.quiet(values):
        return _nothing
    return found.retire_updated(queryset, values)


def queryset_rows_written(
    model: type[models.Model], rows: Iterable, fields: Iterable[str] | None = None
) -> None:
    """For ``bulk_create()`` (``fields`` None) and ``bulk_update(rows, fields)``."""
    found = registration(model)
    if found is not None and not found.quiet(fields):
        found.retire(rows)


def _nothing() -> None:
    return None
