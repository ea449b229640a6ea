"""URL kwargs of the notification pages (outside /g/: a notification is the user's own)."""

import datetime

from notifications.models import Kind, Notification
from tests.factories import UserFactory


def _notification_pk(municipality) -> int:
    return Notification.objects.create(
        municipality=municipality,
        user=UserFactory(),
        kind=Kind.PHASE_STALLED,
        key=f"test:{Notification.objects.count()}",
        day=datetime.date(2027, 1, 4),
        title="Fase Data staat al 9 weken stil",
        url=f"/g/{municipality.slug}/",
    ).pk


KWARG_FACTORIES = {"notification_pk": _notification_pk}
