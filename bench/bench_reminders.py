"""Benchmark the daily pass of reminders: all 342 municipalities with 10 users each.

From the start of ``send_reminders`` until a local SMTP sink has accepted the last message, with
a real Celery worker of two processes (``celery worker --concurrency 2``) on Redis and
PostgreSQL. Target: under 60 s.

What the pass finds (a Monday, so the advisors' weekly summaries are in it too), per
municipality: an open cycle whose school analyses are due in 14 days and whose phase has not
moved for ten weeks; 10 users: a policy officer, 8 school users (the municipality's first school
locations; every third has a daily digest) and an advisor membership (34 advisors, each advising
about ten municipalities); every tenth municipality has an invitation that expires tomorrow.

Needs PostgreSQL and Redis and the reference data in that database:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/npo_h5 REDIS_URL=redis://127.0.0.1:6379/15
    DEBUG=true .venv/bin/python manage.py migrate && DEBUG=true .venv/bin/python manage.py load_reference_data
    DEBUG=true .venv/bin/python bench/bench_reminders.py [--new-db-connection-per-task]

Measured on 30 Nov 2026 (a shared 2-core VM, load 1.5-2 from other work): 3797 mails (2885 at
once, 912 digests), the pass itself 11-12 s, the last message accepted 66.2 s after the start
with ``--new-db-connection-per-task`` (Celery's default, ``CELERY_DB_REUSE_MAX=0``), 55.8 s with
the connection kept. With the connection kept and each task starting like a Django request
(npo_platform.celery.task_connections_checked: age and health check), the platform's default
since then: 45.6 s (pass 9.6 s, 83 mails/s; load 0.9 at the start). The SMTP sink runs in its own
process.

The bench's users, cycles, notifications and mail log are removed before each run (and the
Redis queue purged), so it can be run again; the reference data stays.
"""

import datetime
import io
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.notifications.smtp_sink import SmtpSink  # noqa: E402


def _sink_process(port, count, last, ready) -> None:
    """The SMTP sink in a process of its own, so it never waits for the bench's GIL."""

    def accepted(n: int) -> None:
        last.value = time.monotonic()  # CLOCK_MONOTONIC: the same clock in every process
        count.value = n

    sink = SmtpSink(on_message=accepted).start()
    port.value = sink.port
    ready.set()
    while True:
        time.sleep(3600)


class SinkProcess:
    def __init__(self) -> None:
        ctx = multiprocessing.get_context("fork")
        self._port, self.count = ctx.Value("i", 0), ctx.Value("i", 0)
        self.last = ctx.Value("d", 0.0)
        ready = ctx.Event()
        self._process = ctx.Process(
            target=_sink_process, args=(self._port, self.count, self.last, ready), daemon=True
        )
        self._process.start()
        ready.wait(10)
        self.port = self._port.value

    def wait_for(self, n: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.count.value < n:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def stop(self) -> None:
        self._process.terminate()


DOMAIN = "bench-reminders.example"
TITLE = "[bench] 4D-cyclus"
PASS_DATE = datetime.date(2027, 1, 4)  # a Monday
USERS_PER_MUNICIPALITY = 10
TARGET_SECONDS = 60


def _environment(sink) -> dict:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database with the reference data loaded.")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL (the broker of the worker).")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "npo_platform.settings",
        "DEBUG": os.environ.get("DEBUG", "true"),
        "MAIL_BACKEND": "smtp",
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": str(sink.port),
        "MAIL_USE_TLS": "false",
        "SITE_URL": "https://npo.example.nl",
        "LOG_LEVEL": "WARNING",
        # The worker keeps its database connection between tasks (the default, 100);
        # --new-db-connection-per-task measures Celery's own default instead.
        "CELERY_DB_REUSE_MAX": "0" if "--new-db-connection-per-task" in sys.argv else "100",
    }
    os.environ.update(env)
    return env


def _clean() -> None:
    from core.models import MailLog
    from cycles.models import Cycle
    from municipalities.models import Invitation, User
    from notifications.models import Notification

    Notification.objects.all().delete()
    MailLog.objects.all().delete()
    Invitation.objects.filter(email__endswith=DOMAIN).delete()
    Cycle.objects.filter(title__startswith="[bench]").delete()
    User.objects.filter(email__endswith=DOMAIN).delete()


def _seed() -> dict:
    from django.db import transaction
    from django.utils import timezone

    from cycles.models import Cycle, Phase
    from municipalities.models import Invitation, Membership, Municipality, Role, User
    from notifications.models import Frequency, Kind, Preference
    from schools.models import School

    # Municipalities with an open cycle of their own (not the bench's) are left out.
    municipalities = list(
        Municipality.objects.filter(is_active=True)
        .exclude(cycles__in=Cycle.objects.open())
        .order_by("cbs_code")
    )
    schools: dict[int, list[int]] = {}
    for school_id, municipality_id in (
        School.objects.active()
        .order_by("municipality_id", "pk")
        .values_list("pk", "municipality_id")
    ):
        schools.setdefault(municipality_id, []).append(school_id)
    tz = timezone.get_current_timezone()
    stalled_since = datetime.datetime.combine(
        PASS_DATE - datetime.timedelta(weeks=10), datetime.time(10), tz
    )
    with transaction.atomic():
        Cycle.objects.bulk_create(
            Cycle(
                municipality=m,
                title=f"{TITLE} {m.name}",
                start_date=datetime.date(2026, 8, 1),
                end_date=datetime.date(2027, 7, 31),
                phase=Phase.DATA,
                analyses_due=PASS_DATE + datetime.timedelta(days=14),
                phase_changed_at=stalled_since,
            )
            for m in municipalities
        )
        advisors = User.objects.bulk_create(
            User(email=f"adviseur{n:02d}@{DOMAIN}", display_name=f"Adviseur {n}")
            for n in range(len(municipalities) // 10 + 1)
        )
        users, memberships, invitations = [], [], []
        for i, m in enumerate(municipalities):
            officer = User(email=f"beleid-{m.cbs_code.lower()}@{DOMAIN}", display_name="Beleid")
            users.append((officer, m, Role.POLICY_OFFICER, None))
            located = schools.get(m.pk) or []
            for n in range(USERS_PER_MUNICIPALITY - 2):
                school = located[n % len(located)] if located else None
                if school is None:
                    continue
                user = User(email=f"school{n}-{m.cbs_code.lower()}@{DOMAIN}", display_name="IB")
                users.append((user, m, Role.SCHOOL, school))
            memberships.append(
                Membership(user=advisors[i // 10], municipality=m, role=Role.ADVISOR)
            )
            if i % 10 == 0:
                invitations.append(
                    Invitation(
                        municipality=m,
                        email=f"nieuw-{m.cbs_code.lower()}@{DOMAIN}",
                        role=Role.VIEWER,
                        token_hash=f"{m.pk:064d}",
                        invited_by=officer,
                        expires_at=datetime.datetime.combine(
                            PASS_DATE + datetime.timedelta(days=1), datetime.time(15), tz
                        ),
                    )
                )
        User.objects.bulk_create([u for u, *_rest in users])
        memberships += [
            Membership(user=u, municipality=m, role=role, school_id=school)
            for u, m, role, school in users
        ]
        Membership.objects.bulk_create(memberships)
        for invitation in invitations:
            invitation.invited_by_id = invitation.invited_by.pk
        Invitation.objects.bulk_create(invitations)
        school_users = [u for u, _m, role, _s in users if role == Role.SCHOOL]
        Preference.objects.bulk_create(
            Preference(user=u, kind=Kind.ANALYSIS_DUE, frequency=Frequency.DAILY)
            for u in school_users[::3]
        )
    return {
        "municipalities": len(municipalities),
        "users": len(users) + len(advisors),
        "memberships": len(memberships),
    }


def _start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "npo_platform",
            "worker",
            "--concurrency",
            "2",
            "--pool",
            "prefork",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
    )


def _wait_for_worker(app, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1):
            return
    sys.exit("The worker did not answer within a minute.")


def main() -> None:
    sink = SinkProcess()
    env = _environment(sink)
    import django

    django.setup()
    from django.core.management import call_command

    from core.models import MailLog
    from npo_platform.celery import app

    _clean()
    app.control.purge()
    seeded = _seed()
    print(
        f"Seeded {seeded['municipalities']} municipalities, {seeded['users']} users, "
        f"{seeded['memberships']} memberships; pass date {PASS_DATE} (a Monday)."
    )
    worker = _start_worker(env)
    try:
        _wait_for_worker(app)
        out = io.StringIO()
        start = time.monotonic()
        call_command("send_reminders", "--date", PASS_DATE.isoformat(), stdout=out)
        pass_done = time.monotonic()
        lines = out.getvalue().strip().splitlines()
        queued = int(lines[-1].split(":")[1])
        print("send_reminders:", " · ".join(lines))
        if not sink.wait_for(queued, timeout=300):
            print(f"Only {sink.count.value} of {queued} messages arrived within 300 s.")
        last = sink.last.value or time.monotonic()
        total = last - start
        failed = MailLog.objects.filter(status=MailLog.Status.FAILED).count()
        print(
            f"Daily pass: {queued} mails queued in {pass_done - start:.1f} s; SMTP sink accepted "
            f"{sink.count.value} (failed: {failed}); last one {total:.1f} s after the start "
            f"(target < {TARGET_SECONDS} s), {sink.count.value / total:.0f} mails/s with two "
            f"worker processes (CELERY_DB_REUSE_MAX={env['CELERY_DB_REUSE_MAX']})."
        )
        again = io.StringIO()
        call_command("send_reminders", "--date", PASS_DATE.isoformat(), stdout=again)
        print("Second run, same date:", again.getvalue().strip().splitlines()[-1])
        if total >= TARGET_SECONDS or sink.count.value != queued:
            sys.exit(1)
    finally:
        worker.terminate()
        worker.wait(30)
        sink.stop()


if __name__ == "__main__":
    main()
