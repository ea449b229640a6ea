"""What a higher app supplies to this app's own pages, without this app importing it.

``municipalities`` is below ``schools``, yet the invitation form on the team page offers the
municipality's school locations for the school role. ``schools`` provides them from its
``AppConfig.ready()``::

    # schools/apps.py
    provide_school_choices(lambda municipality: School.objects.for_municipality(municipality)...)
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

_school_choices: Callable[..., QuerySet] | None = None


def provide_school_choices(func: Callable[..., QuerySet]) -> None:
    """Register ``func(municipality) -> QuerySet`` of the schools a member may be bound to."""
    global _school_choices
    _school_choices = func


def school_choices(municipality) -> QuerySet:
    """The school locations of ``municipality`` for the school role, as the schools app says."""
    if _school_choices is None:
        raise ImproperlyConfigured("No app provides the school choices (schools is not loaded).")
    return _school_choices(municipality)
