"""The one way views reach a municipality: ``tenant_view`` for one, ``advisor_view`` for several.

``tenant_view`` resolves ``<municipality_slug>`` from the URL and the user's active membership.
A user who is not a member gets 404 — the same answer as for a municipality that does not exist,
so nobody can find out which municipalities use the platform. A member whose role does not allow
the request gets 403. Reads of tenant data in views go through ``for_municipality()`` on the
municipality this helper returns.
"""

import datetime
from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from core.prepared import Prepared
from municipalities.models import (
    EDITOR_ROLES,
    READER_ROLES,
    Membership,
    Municipality,
    Role,
    active_membership_q,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Every tenant page runs this query first: compiled once per process (core.prepared), so a
# request pays for the database's answer, not for Django building the same SQL again.
_memberships_active = Prepared(
    lambda user_id, today: (
        Membership.objects.active(today=today)
        .select_related("municipality", "school")
        .filter(user_id=user_id, municipality__is_active=True)
        .order_by("municipality__name")
    ),
    user_id=0,
    today=datetime.date(2026, 1, 1),
)


def memberships_active(user) -> list[Membership]:
    """The user's active memberships in active municipalities, each with its municipality and
    school, in the order of the municipalities' names: one query for both the access check of a
    page and its header's municipality switcher (``my_municipalities``)."""
    if not user.is_authenticated:
        return []
    return _memberships_active(user_id=user.pk, today=timezone.localdate())


def membership_get(
    *, user, municipality_slug: str, memberships: list[Membership] | None = None
) -> Membership:
    """The user's active membership in the municipality, or 404 for anything else (an ended
    membership and one past its ``valid_until`` alike: ``Membership.objects.active()``).
    ``memberships``: the user's ``memberships_active``, when already read."""
    if not user.is_authenticated:
        raise Http404
    if memberships is None:
        memberships = memberships_active(user)
    # At most one: one active membership per user and municipality (a unique constraint).
    for membership in memberships:
        if membership.municipality.slug == municipality_slug:
            return membership
    raise Http404


def tenant_view(
    *,
    roles: Iterable[Role] = READER_ROLES,
    write_roles: Iterable[Role] = EDITOR_ROLES,
) -> Callable:
    """Decorate a view under ``/g/<municipality_slug>/``.

    ``roles`` may make safe (GET/HEAD) requests; ``write_roles`` may make the others. The view
    receives ``municipality`` instead of ``municipality_slug``; ``request.membership`` holds the
    membership that granted access, ``request.user_memberships`` all of the user's active ones
    (``memberships_active``).
    """
    read_roles = frozenset(roles)
    change_roles = frozenset(write_roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, municipality_slug: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            memberships = memberships_active(request.user)
            membership = membership_get(
                user=request.user, municipality_slug=municipality_slug, memberships=memberships
            )
            allowed = read_roles if request.method in SAFE_METHODS else change_roles
            if membership.role not in allowed:
                raise PermissionDenied
            request.membership = membership
            request.municipality = membership.municipality
            # All of the user's: the header's switcher and portfolio link read them from here,
            # without queries of their own (the tenancy and portfolio context processors).
            request.user_memberships = memberships
            return view(request, *args, municipality=membership.municipality, **kwargs)

        wrapper.tenant_read_roles = read_roles  # used by the isolation sweep test
        wrapper.tenant_write_roles = change_roles
        return wrapper

    return decorator


def user_municipalities(user) -> list[Municipality]:
    """The active municipalities in which the user has an active membership (the switcher)."""
    if not user.is_authenticated:
        return []
    return list(
        Municipality.objects.filter(
            active_membership_q("memberships__"), is_active=True, memberships__user=user
        )
        .distinct()
        .order_by("name")
    )


def advisor_municipalities(user) -> QuerySet[Municipality]:
    """The active municipalities where ``user`` holds an active advisor membership.

    The one boundary of every page outside ``/g/<slug>/`` that spans municipalities (the
    portfolio, its comparisons and exports, bulk reports and reminders): every read starts from
    it and every bulk action validates posted ids against it.
    """
    if not user.is_authenticated:
        return Municipality.objects.none()
    return Municipality.objects.filter(
        Exists(
            Membership.objects.active().filter(
                municipality=OuterRef("pk"), user=user, role=Role.ADVISOR
            )
        ),
        is_active=True,
    ).order_by("name")


def advisor_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a view that spans the user's advised municipalities (outside ``/g/<slug>/``).

    Anonymous users go to the login page. The view finds the boundary in
    ``request.advisor_municipalities`` (a lazy queryset from ``advisor_municipalities``); a user
    who advises nobody gets an empty one, and the page says so rather than answering 404, since
    the page itself reveals nothing about any municipality.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.advisor_municipalities = advisor_municipalities(request.user)
        return view(request, *args, **kwargs)

    wrapper.advisor_view = True  # used by the isolation sweep and the method test
    return wrapper
