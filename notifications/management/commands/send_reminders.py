"""Run the daily pass of reminders, notifications and digests once: exactly what beat runs.

    python manage.py send_reminders [--date YYYY-MM-DD]

The last line reads ``queued: <N>`` (the mails queued); a second run for the same date queues 0.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from notifications.services import daily_pass


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Run the daily pass of reminders and digests once (as beat does), as of --date."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=str, default=None, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, date=None, **options):
        today = _date(date) if date else None
        result = daily_pass(today=today)
        self.stdout.write(f"notifications: {result.notifications}")
        self.stdout.write(f"immediate mails: {result.immediate}")
        self.stdout.write(f"digests: {result.digests}")
        self.stdout.write(f"queued: {result.queued}")
