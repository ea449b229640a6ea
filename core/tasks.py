"""Periodic housekeeping tasks (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.utils import timezone

from core import mail, outbox  # noqa: F401 - core.mail's tasks (mail_send, mail_relay) register here
from core.models import Heartbeat

HEARTBEAT_TASK = "core.heartbeat"


@shared_task(name="core.outbox_relay", acks_late=True, ignore_result=True)
def outbox_relay_task() -> dict:
    """Send the outbox rows that wait (the broker was down when their transaction committed)."""
    result = outbox.outbox_relay()
    result["pruned"] = outbox.outbox_prune()
    return result


@shared_task(name=HEARTBEAT_TASK, ignore_result=True, expires=120)
def heartbeat_task() -> None:
    """Beat sends this every 30 s (recording its own heartbeat as it sends, see
    ``heartbeat_beat_sent``); a worker running it records the worker's. /healthz shows both ages."""
    heartbeat_record(name="worker")


def heartbeat_record(*, name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})
