"""Realistic school-analysis due dates for the demo data (called by the demo seeder).

Not a ``demo.py``: the demo seeders are another helper's; this is the one function they call,
so the reminders have something to remind of in ``make run``.
"""

import datetime

from django.utils import timezone

from cycles.models import Cycle, Phase

# In the Data phase the schools are still handing in: due in 17 days, so the 14-day reminder
# comes within the week and the 3-day one two weeks later (python manage.py send_reminders
# --date shows both).
DATA_PHASE_DUE_IN = datetime.timedelta(days=17)
# Past the Data phase the analyses were due ten weeks after the cycle started (long passed).
LATER_PHASE_DUE_AFTER_START = datetime.timedelta(weeks=10)


def seed_due_dates(stdout=None, *, today: datetime.date | None = None) -> int:
    """Give every open cycle that needs school analyses and has no due date one. Idempotent (a
    date set by hand or by an earlier run stays). Returns how many cycles got one."""
    today = today or timezone.localdate()
    cycles = Cycle.objects.open().filter(analyses_waived=False, analyses_due__isnull=True)
    count = 0
    for cycle in cycles.order_by("pk"):
        if cycle.phase == Phase.DATA:
            cycle.analyses_due = today + DATA_PHASE_DUE_IN
        else:
            cycle.analyses_due = cycle.start_date + LATER_PHASE_DUE_AFTER_START
        cycle.save(update_fields=["analyses_due"])
        count += 1
    if stdout is not None and count:
        stdout.write(f"Inleverdatum schoolanalyses gezet voor {count} open cyclus/cycli.\n")
    return count
