"""Report jobs when things fail: no broker (a background thread), a broker that is down (the
outbox), a job whose worker died (the page says so)."""

import time

import pytest
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage
from reports import services
from reports.models import ReportJob
from tests.reports.factories import ReportJobFactory

LIST = "/g/utrecht/rapportages/"


def _wait_until_finished(pk: int, timeout: float = 60) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ReportJob.objects.get(pk=pk)
        if job.is_finished:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {pk} not finished in {timeout}s")


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_request_answers_at_once_and_the_page_follows_the_build(
    officer_client, settings
):
    settings.REPORTS_BUILD_IN_THREAD = True
    started = time.monotonic()
    response = officer_client.post(LIST, {"kind": "gemeentefoto"})
    elapsed = time.monotonic() - started
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == f"{LIST}?job={job.pk}#job-{job.pk}"
    # The build (2-4.5 s) runs in a background thread; the request did not wait for it.
    assert elapsed < 1.5, elapsed
    page = officer_client.get(response.url).content.decode()
    assert f'id="job-{job.pk}"' in page  # the anchor the redirect goes to
    job = _wait_until_finished(job.pk)
    assert job.status == "done", job.error
    # Finished before the page loaded: the anchor is still there, now with the result.
    page = officer_client.get(response.url).content.decode()
    assert f'id="job-{job.pk}"' in page and "Download de PDF" in page


@pytest.mark.django_db
def test_a_restarted_job_says_so_instead_of_a_frozen_bar(officer_client, municipality):
    job = ReportJobFactory(
        municipality=municipality,
        status="running",
        attempts=2,
        progress=40,
        progress_label="Opmaak en grafieken",
        started_at=timezone.now(),
    )
    page = officer_client.get(f"{LIST}{job.pk}/voortgang/").content.decode()
    assert "Wordt gemaakt (opnieuw gestart): Opmaak en grafieken" in page
    ReportJob.objects.filter(pk=job.pk).update(attempts=1)
    page = officer_client.get(f"{LIST}{job.pk}/voortgang/").content.decode()
    assert "opnieuw gestart" not in page


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_request_succeeds_and_the_relay_sends_the_job_once(
    officer_client, monkeypatch
):
    from celery import current_app

    current_app.conf.task_always_eager = False  # a broker (the autouse fixture restores it)
    sent = []
    broker_up = False

    def send_task(name, args=None, task_id=None, **options):
        if not broker_up:
            raise ConnectionRefusedError(111, "Connection refused")
        sent.append((name, args, task_id))

    monkeypatch.setattr(current_app, "send_task", send_task)
    response = officer_client.post(LIST, {"kind": "gemeentefoto"})
    assert response.status_code == 302  # saved and answered, not a 500
    job = ReportJob.objects.get()
    message = OutboxMessage.objects.get()
    assert (message.task, message.args, message.sent_at) == ("reports.build", [job.pk], None)
    assert message.attempts == 1 and "Connection refused" in message.last_error
    assert outbox.outbox_relay() == {"sent": 0, "waiting": 1}
    broker_up = True
    assert outbox.outbox_relay() == {"sent": 1, "waiting": 0}
    assert outbox.outbox_relay() == {"sent": 0, "waiting": 0}
    assert sent == [("reports.build", [job.pk], f"outbox-{message.pk}")]
    # the sweeper does not resend a job whose message just went out
    assert services.report_sweep_stuck()["resent"] == 0


@pytest.mark.django_db(transaction=True)
def test_outbox_rows_belong_inside_a_transaction():
    with pytest.raises(RuntimeError):
        outbox.outbox_add(task="reports.build", args=[1], key="reports.build:1")


def test_the_broker_redelivers_only_after_the_longest_task_could_have_finished(settings):
    from reports.tasks import report_build_task

    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    # A message still being worked on must not go to a second worker.
    assert timeout > report_build_task.time_limit + report_build_task.retry_backoff_max
    assert report_build_task.acks_late and report_build_task.reject_on_worker_lost
    # A worker that died is noticed by the lease, far sooner than by this timeout.
    assert services.LEASE.total_seconds() * 2 <= 60 < timeout


def test_beat_runs_the_sweeper_relay_and_heartbeat_every_30_seconds(settings):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    # The names given in reports/tasks.py and core/tasks.py.
    for task in ("reports.sweep_stuck", "core.outbox_relay", "core.heartbeat"):
        assert schedule[task] <= 30


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_a_build_whose_thread_died_is_restarted_by_the_next_request(
    officer_client, municipality, settings
):
    from datetime import timedelta

    settings.REPORTS_BUILD_IN_THREAD = True
    dead = ReportJobFactory(
        municipality=municipality,
        status="running",
        attempts=1,
        started_at=timezone.now() - timedelta(minutes=1),
        lease_owner="elders:1:1",
        lease_expires_at=timezone.now() - timedelta(seconds=5),
    )
    response = officer_client.post(LIST, {"kind": "gemeentefoto"})
    assert response.status_code == 302
    assert ReportJob.objects.count() == 1  # the same job, taken up again, not a second one
    job = _wait_until_finished(dead.pk)
    assert job.status == "done" and job.attempts == 2
