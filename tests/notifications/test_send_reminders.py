"""manage.py send_reminders [--date]: the daily pass once, last line 'queued: <N>'; a second run
for the same date queues 0."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import MailLog
from municipalities.models import Role
from tests.factories import MembershipFactory
from tests.notifications.factories import DUE, cycle_with_due, school_with_user

pytestmark = pytest.mark.django_db


def _run(*args) -> list[str]:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_send_reminders_queues_once_per_date(municipality, django_capture_on_commit_callbacks):
    cycle_with_due(municipality)
    for n in range(3):
        school_with_user(municipality, name=f"School {n}")
    MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER)
    date = (DUE - datetime.timedelta(days=14)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        first = _run("--date", date)
    assert first[-1] == "queued: 3"
    assert MailLog.objects.filter(status=MailLog.Status.SENT).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert _run("--date", date)[-1] == "queued: 0"


def test_a_malformed_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("--date", "15-01-2027")
