"""Background work of the analyses app."""

import logging

from celery import shared_task
from django.utils.translation import override

from analyses import services

logger = logging.getLogger(__name__)


@shared_task(name="analyses.sweep_intake_previews", acks_late=True)
def intake_previews_sweep_task() -> int:
    """Periodic (Celery beat, CELERY_BEAT_SCHEDULE): remove previews unconfirmed for a day."""
    with override("nl"):
        removed = services.intake_previews_remove()
    if removed:
        logger.info("Removed %s unconfirmed bulk-intake preview(s)", removed)
    return removed
