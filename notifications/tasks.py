"""The daily pass, run by beat (settings.CELERY_BEAT_SCHEDULE) and by ``manage.py send_reminders``."""

import datetime

from celery import shared_task

from notifications.services import daily_pass


@shared_task(name="notifications.daily_pass", acks_late=True, expires=6 * 3600)
def daily_pass_task(today: str | None = None) -> int:
    """Returns the number of mails queued. ``today`` (ISO date) for a pass as of another day."""
    day = datetime.date.fromisoformat(today) if today else None
    return daily_pass(today=day).queued
