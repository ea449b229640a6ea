"""The background pipeline: request, claim, build, fail, retry, sweep, versions."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from reports import services
from reports.models import ReportJob
from reports.tasks import report_build_task, report_sweep_stuck_task
from tests.reports.factories import CycleFactory, ReportJobFactory, fill_municipality
from tests.reports.helpers import assert_pdf_ua, build, enqueued, pdf_text

pytestmark = pytest.mark.django_db


def test_request_only_creates_the_job_and_enqueues_on_commit(
    municipality, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.report_request(
            municipality=municipality, kind=ReportJob.Kind.GEMEENTEFOTO, user=officer
        )
    assert len(enqueued(callbacks)) == 1
    job.refresh_from_db()
    assert (job.status, job.version, job.progress, job.pdf.name) == ("queued", 1, 0, "")
    assert job.requested_by == officer


def test_gemeentefoto_is_built_with_pdf_snapshot_and_timestamps(
    municipality, officer, django_capture_on_commit_callbacks
):
    cycle = fill_municipality(municipality)
    job = build(municipality, "gemeentefoto", officer, cycle, django_capture_on_commit_callbacks)
    assert job.status == ReportJob.Status.DONE, job.error
    assert job.progress == 100 and job.attempts == 1
    assert job.task_id and job.started_at and job.finished_at >= job.started_at
    assert job.snapshot["municipality"]["name"] == "Utrecht"
    assert job.pdf.name.startswith("reports/GM0344/") and job.pdf_size > 10_000
    with job.pdf.open("rb") as fh:
        reader = assert_pdf_ua(fh.read())
    assert reader.metadata.title == "Gemeentefoto Utrecht"
    assert reader.metadata.author == "Gemeente Utrecht"
    text = pdf_text(job)
    assert "Gemeentefoto Utrecht" in text and "Pagina 2 van" in text
    assert "Leesvaardigheid omhoog in groep 8" in text


def test_plan_has_title_with_period_goals_and_activities(
    municipality, officer, django_capture_on_commit_callbacks
):
    cycle = fill_municipality(municipality)
    job = build(municipality, "plan", officer, cycle, django_capture_on_commit_callbacks)
    assert job.status == "done", job.error
    assert job.snapshot["title"] == "Gemeentelijke NPO-aanpak Utrecht 2023–2025"
    text = pdf_text(job)
    for expected in ("Samenvatting", "Zomerschool lezen", "Monitoring en evaluatie", "70%"):
        assert expected in text


def test_duplicate_delivery_does_nothing(municipality, officer, django_capture_on_commit_callbacks):
    job = build(municipality, "gemeentefoto", officer, None, django_capture_on_commit_callbacks)
    finished_at, pdf_name = job.finished_at, job.pdf.name
    assert report_build_task.apply(args=[job.pk]).get() == "skipped"
    job.refresh_from_db()
    assert (job.finished_at, job.pdf.name, job.attempts) == (finished_at, pdf_name, 1)


def test_a_second_worker_cannot_claim_a_running_job_while_its_lease_runs(municipality):
    job = ReportJobFactory(municipality=municipality)
    first = services.report_claim(job_pk=job.pk, task_id="first")
    assert first and not first.restarted
    second = services.report_claim(job_pk=job.pk, task_id="second")
    assert not second
    # a redelivery of the same message is told when to look again, not dropped
    again = services.report_claim(job_pk=job.pk, task_id="first")
    assert not again and 0 < again.retry_in <= services.LEASE.total_seconds() + 1


def test_an_expired_lease_is_taken_over_and_the_job_says_restarted(municipality):
    job = ReportJobFactory(municipality=municipality)
    assert services.report_claim(job_pk=job.pk, task_id="first")
    # the first worker died: no heartbeat renewed its lease
    ReportJob.objects.filter(pk=job.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    claim = services.report_claim(job_pk=job.pk, task_id="first")
    assert claim and claim.restarted
    job.refresh_from_db()
    assert (job.status, job.attempts, job.restarted) == ("running", 2, True)
    # the old worker, were it still alive, can no longer store its result
    assert not services.report_build(job_pk=job.pk, task_id="old-task")


def test_a_job_whose_worker_process_is_gone_is_taken_over_at_once(municipality):
    import socket
    import subprocess

    job = ReportJobFactory(municipality=municipality)
    assert services.report_claim(job_pk=job.pk, task_id="t")
    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that no longer exists: a worker child killed with -9
    ReportJob.objects.filter(pk=job.pk).update(lease_owner=f"{socket.gethostname()}:{dead.pid}:1")
    claim = services.report_claim(job_pk=job.pk, task_id="t")
    assert claim and claim.restarted


def test_a_redelivered_message_waits_for_a_live_lease_instead_of_skipping(
    municipality, monkeypatch
):
    job = ReportJobFactory(municipality=municipality)
    assert services.report_claim(job_pk=job.pk, task_id="held")
    retries = []

    def retry(**kwargs):
        retries.append(kwargs)
        return Retry()

    monkeypatch.setattr(report_build_task, "retry", retry)
    # As a real worker runs it (not eager): the redelivery looks again when the lease ends.
    report_build_task.push_request(id="held", is_eager=False, retries=0)
    try:
        with pytest.raises(Retry):
            report_build_task.run(job.pk)
    finally:
        report_build_task.pop_request()
    assert 0 < retries[0]["countdown"] <= services.LEASE.total_seconds() + 1


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_building(municipality, monkeypatch):
    import time

    monkeypatch.setattr(services, "HEARTBEAT", timedelta(seconds=0.05))
    job = ReportJobFactory(municipality=municipality)
    assert services.report_claim(job_pk=job.pk, task_id="t")
    ReportJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now())
    with services.Heartbeat(job.pk, "t") as heartbeat:
        time.sleep(0.3)
    assert not heartbeat._thread.is_alive()
    job.refresh_from_db()
    assert job.lease_expires_at > timezone.now() + timedelta(seconds=20)
    # a job taken over by another worker is not renewed by the old one
    ReportJob.objects.filter(pk=job.pk).update(task_id="other")
    assert not heartbeat.beat()


def test_failure_is_recorded_with_a_readable_dutch_message(
    municipality, officer, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(snapshot):
        raise ValueError("boom")

    monkeypatch.setattr("reports.rendering.render_pdf", broken)
    job = build(municipality, "gemeentefoto", officer, None, django_capture_on_commit_callbacks)
    assert job.status == ReportJob.Status.FAILED
    assert job.error.startswith("Er ging iets mis bij het maken van de rapportage (ValueError)")
    assert job.finished_at is not None and not job.pdf


def test_soft_time_limit_fails_the_job(municipality, monkeypatch):
    def slow(snapshot):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("reports.rendering.render_pdf", slow)
    job = ReportJobFactory(municipality=municipality)
    assert report_build_task.apply(args=[job.pk]).get() == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and "duurde te lang" in job.error


def test_transient_errors_are_retried_with_backoff_then_recorded(municipality, monkeypatch):
    def flaky(snapshot):
        raise OperationalError("database is locked")

    monkeypatch.setattr("reports.rendering.render_pdf", flaky)
    task = report_build_task
    assert (task.max_retries, task.retry_backoff, task.acks_late) == (3, 2, True)
    assert OperationalError in task.autoretry_for
    job = ReportJobFactory(municipality=municipality)
    # First delivery: autoretry schedules a retry (eager apply() surfaces it as Retry).
    with pytest.raises(Retry):
        task.apply(args=[job.pk], task_id="t-1", throw=True)
    job.refresh_from_db()
    assert job.status == "running" and job.task_id == "t-1"
    # The last retry (same task id) takes its row back, fails again and records it.
    assert task.apply(args=[job.pk], task_id="t-1", retries=3).get() == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and "tijdelijk niet bereikbaar" in job.error
    assert job.attempts == 2


def test_a_retry_after_a_transient_error_can_succeed(municipality, monkeypatch):
    from reports import rendering

    real = rendering.render_pdf
    calls = []

    def once_flaky(snapshot):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(snapshot)

    monkeypatch.setattr("reports.rendering.render_pdf", once_flaky)
    job = ReportJobFactory(municipality=municipality)
    with pytest.raises(Retry):
        report_build_task.apply(args=[job.pk], task_id="t-2", throw=True)
    assert report_build_task.apply(args=[job.pk], task_id="t-2", retries=1).get() == "done"
    job.refresh_from_db()
    assert job.status == "done" and job.pdf_size


def test_in_process_mode_records_a_transient_failure_instead_of_crashing_the_request(
    municipality, officer, django_capture_on_commit_callbacks, monkeypatch
):
    def flaky(snapshot):
        raise OperationalError("database is locked")

    monkeypatch.setattr("reports.rendering.render_pdf", flaky)
    job = build(municipality, "gemeentefoto", officer, None, django_capture_on_commit_callbacks)
    assert job.status == "failed" and "tijdelijk niet bereikbaar" in job.error


def test_sweeper_requeues_stuck_jobs_and_fails_hopeless_ones(
    municipality, django_capture_on_commit_callbacks
):
    now = timezone.now()
    expired = now - timedelta(seconds=1)
    stuck = ReportJobFactory(
        municipality=municipality,
        status="running",
        started_at=now - timedelta(seconds=40),
        lease_expires_at=expired,
        attempts=1,
        task_id="x",
    )
    hopeless = ReportJobFactory(
        municipality=municipality,
        status="running",
        started_at=now - timedelta(seconds=40),
        lease_expires_at=expired,
        attempts=3,
        task_id="y",
    )
    fresh = ReportJobFactory(
        municipality=municipality,
        status="running",
        started_at=now,
        lease_expires_at=now + services.LEASE,
        attempts=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = report_sweep_stuck_task.apply().get()
    assert result == {"failed": 1, "requeued": 1, "resent": 0}
    stuck.refresh_from_db(), hopeless.refresh_from_db(), fresh.refresh_from_db()
    # re-queued and (tasks run in-process here) built on the second attempt
    assert stuck.status == "done" and stuck.attempts == 2
    assert hopeless.status == "failed" and "3 keer vastgelopen" in hopeless.error
    assert fresh.status == "running"


def test_sweeper_resends_jobs_whose_message_was_lost(
    municipality, django_capture_on_commit_callbacks
):
    job = ReportJobFactory(municipality=municipality)
    ReportJob.objects.filter(pk=job.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_sweep_stuck()["resent"] == 1
    job.refresh_from_db()
    assert job.status == "done"


def test_a_late_worker_does_not_overwrite_a_requeued_job(municipality):
    job = ReportJobFactory(municipality=municipality)
    services.report_claim(job_pk=job.pk, task_id="old")
    ReportJob.objects.filter(pk=job.pk).update(status="queued", task_id="")  # swept
    assert services.report_build(job_pk=job.pk, task_id="old") is False
    job.refresh_from_db()
    assert job.status == "queued" and not job.pdf


def test_versions_count_per_cycle_and_kind(municipality, officer, other_municipality):
    cycle = CycleFactory(municipality=municipality)
    make = services.report_request
    first = make(municipality=municipality, kind="gemeentefoto", user=officer, cycle=cycle)
    assert first.version == 1
    # Finished first: a request while it is still queued returns it (test_repeated_requests).
    ReportJob.objects.filter(pk=first.pk).update(status=ReportJob.Status.DONE)
    assert (
        make(municipality=municipality, kind="gemeentefoto", user=officer, cycle=cycle).version == 2
    )
    assert make(municipality=municipality, kind="plan", user=officer, cycle=cycle).version == 1
    assert make(municipality=municipality, kind="gemeentefoto", user=officer).version == 1
    assert make(municipality=other_municipality, kind="gemeentefoto", user=officer).version == 1


def test_version_is_unique_per_cycle_and_kind(municipality):
    cycle = CycleFactory(municipality=municipality)
    ReportJobFactory(municipality=municipality, cycle=cycle, version=1)
    with pytest.raises(IntegrityError):
        ReportJobFactory(municipality=municipality, cycle=cycle, version=1)


def test_weasyprint_is_not_imported_by_the_web_code():
    import subprocess
    import sys

    code = (
        "import django, os, sys; os.environ['DJANGO_SETTINGS_MODULE']='tests.settings'; "
        "django.setup(); import reports.views, reports.tasks, reports.services; "
        "sys.exit(1 if 'weasyprint' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
