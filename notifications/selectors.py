"""Reads for notifications: only the user's own, and only of municipalities they can still
enter (a membership that ended hides that municipality's notifications)."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from municipalities.models import Membership
from notifications.models import Frequency, Kind, Notification, Preference


def notifications_for(*, user) -> QuerySet[Notification]:
    member = Membership.objects.active().filter(
        user=user, municipality=OuterRef("municipality_id"), municipality__is_active=True
    )
    return (
        Notification.objects.filter(user=user)
        .filter(Exists(member))
        .select_related("municipality")
        .order_by("-day", "-pk")
    )


def unread_count(*, user) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()


def notification_get(*, user, pk: int) -> Notification:
    """The user's own notification; another user's answers 404 like one that does not exist."""
    found = notifications_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def preference_choices(*, user) -> dict[str, str]:
    """{kind: frequency} for every kind that can be chosen (immediately where none is stored)."""
    stored = dict(Preference.objects.filter(user=user).values_list("kind", "frequency"))
    return {kind: stored.get(kind, Frequency.IMMEDIATE) for kind in Kind.values}
