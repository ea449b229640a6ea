"""A transactional outbox for Celery tasks that must not be lost when the broker is down.

``outbox_add`` writes the task into the caller's open transaction and relays it right after the
commit; when the broker cannot be reached then, the request still succeeds and the row waits.
``outbox_relay`` (also run every minute by beat, task ``core.outbox_relay``) sends what waits.

Exactly once towards the broker: rows are locked (``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL) while they are sent and marked sent in the same transaction, so two relays never send
the same row. The only duplicate left is a send whose commit then fails; every task that uses the
outbox claims its work with a conditional UPDATE, so that duplicate does nothing.
"""

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.models import OutboxMessage

logger = logging.getLogger(__name__)


def outbox_add(*, task: str, args: list, key: str, relay_on_commit: bool = True) -> OutboxMessage:
    """Record ``task(*args)`` in the current transaction; it is sent after the commit.

    ``relay_on_commit=False`` when the caller's own on-commit callback relays ``key``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_add belongs inside the transaction of the work it follows")
    message = OutboxMessage.objects.create(task=task, args=args, key=key)
    if relay_on_commit:
        transaction.on_commit(partial(outbox_relay_quietly, keys=[key]))
    return message


def outbox_relay(*, keys: list[str] | None = None, limit: int = 200) -> dict:
    """Send unsent rows (only those with ``keys`` when given), oldest first.

    Stops at the first failed send: the broker is down, and the rest would fail the same way.
    Returns counts: ``sent`` and ``waiting`` (still unsent).
    """
    from celery import current_app

    sent_pks: list[int] = []
    error = ""
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(sent_at__isnull=True)
        if keys is not None:
            rows = rows.filter(key__in=keys)
        rows = list(rows.select_for_update(skip_locked=True).order_by("pk")[:limit])
        for row in rows:
            try:
                # No retries here: a broker that is down must not hold up the request.
                current_app.send_task(row.task, args=row.args, task_id=row.task_id, retry=False)
            except Exception as exc:  # noqa: BLE001 - any send failure leaves the row waiting
                error = f"{type(exc).__name__}: {exc}"[:500]
                logger.warning("Outbox: broker unreachable, %s task(s) wait: %s", len(rows), error)
                break
            sent_pks.append(row.pk)
        now = timezone.now()
        if sent_pks:
            OutboxMessage.objects.filter(pk__in=sent_pks).update(sent_at=now)
        if error:
            # The row whose send failed; the ones after it were not tried.
            OutboxMessage.objects.filter(pk=rows[len(sent_pks)].pk).update(
                attempts=F("attempts") + 1, last_error=error
            )
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    return {"sent": len(sent_pks), "waiting": waiting}


def outbox_relay_quietly(*, keys: list[str] | None = None) -> None:
    """The on-commit attempt: never lets a broken broker turn a saved request into an error."""
    try:
        outbox_relay(keys=keys)
    except Exception:  # noqa: BLE001 - the beat relay tries again
        logger.exception("Outbox relay after commit failed; the beat relay retries")


def outbox_prune(*, older_than_days: int = 7) -> int:
    """Remove rows sent more than ``older_than_days`` ago (the relay task calls this)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
