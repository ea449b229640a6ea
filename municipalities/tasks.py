"""Background work of the municipalities app."""

import logging

from celery import shared_task

from municipalities.readlog import read_log_purge

logger = logging.getLogger(__name__)


@shared_task(name="municipalities.purge_read_log", acks_late=True)
def purge_read_log_task() -> int:
    """Periodic (Celery beat, CELERY_BEAT_SCHEDULE): remove read-log rows older than
    READ_LOG_DAYS days. Idempotent: a second delivery finds nothing left to remove."""
    removed = read_log_purge()
    if removed:
        logger.info("Purged %s read-log row(s) older than the retention", removed)
    return removed
