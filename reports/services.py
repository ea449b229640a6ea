"""Writes for report jobs: request, build, fail, sweep, publish.

The request path only inserts a row and enqueues the task on commit, so it answers in
milliseconds. The build (``report_build``) runs in a Celery worker, or in-process when no broker
is configured; it never holds a transaction open while it renders, so the browser sees the
progress as it happens.
"""

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.models import OutboxMessage
from municipalities.models import Municipality
from reports.models import CLOSEOUT_KINDS, ReportJob

logger = logging.getLogger(__name__)

# A worker holds the job it builds for LEASE; its heartbeat renews that every HEARTBEAT. A lease
# not renewed has lost its worker: a redelivered message or the sweeper (every 30 s) takes it over,
# so a job whose worker died runs again within a minute.
LEASE = timedelta(seconds=30)
HEARTBEAT = timedelta(seconds=10)
# Rows from before leases existed (no lease) count as stuck after this (hard time limit: 3 min).
STUCK_AFTER = timedelta(minutes=10)
# A queued job whose message is older than this and not waiting in the outbox lost its message
# (a broker restarted without persistence): it is sent again (the claim makes a duplicate harmless).
LOST_AFTER = timedelta(minutes=3)
MAX_ATTEMPTS = 3
BUILD_TASK = "reports.build"


def current_cycle(*, municipality: Municipality):
    """The municipality's open cycle (there is at most one), or None."""
    from cycles.models import Cycle

    return Cycle.objects.for_municipality(municipality).open().first()


def _next_version(*, municipality: Municipality, cycle, kind: str) -> int:
    jobs = ReportJob.objects.for_municipality(municipality).filter(kind=kind)
    jobs = jobs.filter(cycle=cycle) if cycle is not None else jobs.filter(cycle__isnull=True)
    return (jobs.aggregate(last=Max("version"))["last"] or 0) + 1


def _unfinished(
    *, municipality: Municipality, cycle, kind: str, stream=None, options=None
) -> ReportJob | None:
    jobs = ReportJob.objects.for_municipality(municipality).filter(
        kind=kind, status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]
    )
    jobs = jobs.filter(cycle=cycle) if cycle is not None else jobs.filter(cycle__isnull=True)
    # Close-out jobs are per stream: a running SiSa build of one stream is no answer for another.
    jobs = jobs.filter(stream=stream) if stream is not None else jobs.filter(stream__isnull=True)
    # A job with other options (a dossier for the archive, not the accountant) is another job;
    # compared here, not in SQL, because JSON equality differs between the databases.
    wanted = options or {}
    return next(
        (
            job
            for job in jobs.defer("snapshot").order_by("-version")
            if (job.options or {}) == wanted
        ),
        None,
    )


def _has_broker() -> bool:
    """False when tasks run in-process (no broker configured, and in tests)."""
    from celery import current_app

    return not current_app.conf.task_always_eager


def _outbox_key(job_pk: int) -> str:
    return f"{BUILD_TASK}:{job_pk}"


def _send(job_pk: int) -> None:
    """Inside the transaction that queues the job: with a broker, its message goes into the
    outbox (sent after the commit, or later by the relay when the broker is down)."""
    if _has_broker():
        outbox.outbox_add(
            task=BUILD_TASK, args=[job_pk], key=_outbox_key(job_pk), relay_on_commit=False
        )
    transaction.on_commit(partial(report_enqueue, job_pk=job_pk))


def report_enqueue(*, job_pk: int) -> None:
    """After the commit: send the job's outbox message, or build it in-process without a broker.

    Without a broker (``make run``) the build runs in a background thread when
    ``REPORTS_BUILD_IN_THREAD`` is on (the default there), so the request that asked for it
    answers at once and the page shows the progress; tests build inline.
    """
    if _has_broker():
        outbox.outbox_relay_quietly(keys=[_outbox_key(job_pk)])
        return
    if settings.REPORTS_BUILD_IN_THREAD:
        threading.Thread(
            target=_build_in_thread, args=(job_pk,), name=f"report-{job_pk}", daemon=True
        ).start()
        return
    _build_in_process(job_pk)


def _build_in_process(job_pk: int) -> None:
    from celery.exceptions import Retry

    from reports.tasks import report_build_task

    try:
        result = report_build_task.apply(args=[job_pk])
    except Retry:
        result = None
    if result is None or result.state == "RETRY":
        # In-process Celery cannot schedule a retry, so a transient error is recorded as a failure
        # instead of breaking the request that asked for the report.
        report_fail(
            job_pk=job_pk,
            message=_(
                "De database was tijdelijk niet bereikbaar. Vraag de rapportage opnieuw aan."
            ),
        )


def _build_in_thread(job_pk: int) -> None:
    try:
        _build_in_process(job_pk)
    except Exception:
        logger.exception("Report job %s failed in its background thread", job_pk)
    finally:
        connection.close()  # this thread's own connection


def report_request(
    *,
    municipality: Municipality,
    kind: str,
    user,
    cycle=None,
    stream=None,
    options: dict | None = None,
    enqueue: bool = True,
) -> ReportJob:
    """Create a queued job with the next version number; the task starts after commit.

    While an identical job (same municipality, cycle, stream and kind) is still queued or
    running, that job is returned instead and nothing is created: ten clicks make one report.
    Such a job has ``already_requested = True``. ``options`` (e.g. a dossier's audience) are
    stored on the job; a job with other options is a different job.

    The close-out kinds (``CLOSEOUT_KINDS``) are per funding stream: ``stream`` is required for
    them and refused for the others; they belong to no cycle.

    ``enqueue=False`` only creates the job (the demo seeder and the benchmark run it themselves).
    """
    if kind not in ReportJob.Kind.values:
        raise ValueError(f"Unknown report kind {kind!r}")
    if (kind in CLOSEOUT_KINDS) != (stream is not None):
        raise ValueError(f"Report kind {kind!r} needs a stream exactly when it is a close-out kind")
    if kind in CLOSEOUT_KINDS:
        cycle = None
    if not _has_broker() and settings.REPORTS_BUILD_IN_THREAD:
        # No beat runs the sweeper here: a build whose thread died with its process (a restart
        # of the development server) is taken up again when someone asks for a report.
        report_sweep_stuck()
    with transaction.atomic(durable=True):
        # Serialise requests per municipality (SQLite serialises writers anyway): the check for
        # an unfinished job and the version number below see every committed request.
        Municipality.objects.select_for_update().filter(pk=municipality.pk).exists()
        pending = _unfinished(
            municipality=municipality, cycle=cycle, kind=kind, stream=stream, options=options
        )
        if pending is not None:
            pending.already_requested = True
            return pending
        job = ReportJob.objects.create(
            municipality=municipality,
            cycle=cycle,
            stream=stream,
            kind=kind,
            version=_next_version(municipality=municipality, cycle=cycle, kind=kind),
            requested_by=user,
            options=options or {},
            progress_label=_("In de wachtrij"),
        )
        job.already_requested = False
        if enqueue:
            _send(job.pk)
    return job


def lease_owner() -> str:
    """This process and thread: ``host:pid:thread``."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _owner_is_gone(owner: str) -> bool:
    """True when ``owner`` was a process on this host that no longer exists (a killed worker
    child): its job can be taken over at once instead of waiting for the lease to run out."""
    try:
        host, pid, _thread = owner.rsplit(":", 2)
        pid = int(pid)
    except ValueError:
        return False
    if host != socket.gethostname() or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


@dataclass(frozen=True)
class Claim:
    """The outcome of ``report_claim``; true when this delivery builds the job."""

    claimed: bool
    restarted: bool = False
    # Another live worker holds the lease: look again after this many seconds.
    retry_in: float | None = None

    def __bool__(self) -> bool:
        return self.claimed


def report_claim(*, job_pk: int, task_id: str, is_retry: bool = False) -> Claim:
    """Take the job for this delivery with one conditional UPDATE.

    A QUEUED job is taken; a RUNNING job only when its lease ran out or its process is gone (the
    worker died: a redelivered message, a retry after a transient error, which gives up its lease,
    or the sweeper's new message then takes over, and the page says "opnieuw gestart"). Finished
    jobs and jobs a live worker holds are not taken (``retry_in`` says when to look again).
    ``is_retry`` is no longer needed (the lease decides) and only kept for old callers.
    """
    now = timezone.now()
    row = (
        ReportJob.objects.filter(pk=job_pk)
        .values("status", "lease_owner", "lease_expires_at", "started_at")
        .first()
    )
    if row is None or row["status"] in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
        return Claim(claimed=False)
    fields = {
        "status": ReportJob.Status.RUNNING,
        "task_id": task_id,
        "lease_owner": lease_owner(),
        "lease_expires_at": now + LEASE,
        "started_at": now,
        "attempts": F("attempts") + 1,
        "progress": 5,
        "error": "",
    }
    if row["status"] == ReportJob.Status.QUEUED:
        taken = ReportJob.objects.filter(pk=job_pk, status=ReportJob.Status.QUEUED).update(
            **fields, progress_label=_("Gestart")
        )
        return Claim(claimed=bool(taken))
    expires = row["lease_expires_at"]
    if expires is None:  # a row from before leases: its start time stands in
        expires = (row["started_at"] or now) + STUCK_AFTER
    if expires > now and not _owner_is_gone(row["lease_owner"]):
        return Claim(claimed=False, retry_in=(expires - now).total_seconds() + 1)
    # Conditional on the lease as read: of two deliveries taking over, one wins.
    taken = ReportJob.objects.filter(
        pk=job_pk,
        status=ReportJob.Status.RUNNING,
        lease_owner=row["lease_owner"],
        lease_expires_at=row["lease_expires_at"],
    ).update(**fields, progress_label=_("Gestart"))
    if taken:
        logger.warning(
            "Report job %s taken over from %s by task %s", job_pk, row["lease_owner"], task_id
        )
    return Claim(claimed=bool(taken), restarted=bool(taken))


def _mine(job_pk: int, task_id: str):
    return ReportJob.objects.filter(
        pk=job_pk, status=ReportJob.Status.RUNNING, task_id=task_id, lease_owner=lease_owner()
    )


def report_lease_release(*, job_pk: int, task_id: str) -> None:
    """Give up the lease at once (before a retry), so the next delivery need not wait for it."""
    _mine(job_pk, task_id).update(lease_expires_at=timezone.now())


class Heartbeat:
    """While a build runs, renew its lease every HEARTBEAT in a thread of its own, so a long
    render (no progress calls) keeps the job; stops when the build ends, however it ends."""

    def __init__(self, job_pk: int, task_id: str) -> None:
        self.job_pk, self.task_id, self.owner = job_pk, task_id, lease_owner()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{job_pk}", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def beat(self) -> bool:
        """Renew the lease once; False when the job is no longer this worker's."""
        return bool(
            ReportJob.objects.filter(
                pk=self.job_pk,
                status=ReportJob.Status.RUNNING,
                task_id=self.task_id,
                lease_owner=self.owner,
            ).update(lease_expires_at=timezone.now() + LEASE)
        )

    def _run(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT.total_seconds()):
                try:
                    self.beat()
                except Exception:  # noqa: BLE001 - one missed beat; the lease outlasts three
                    logger.exception("Heartbeat of report job %s failed", self.job_pk)
        finally:
            connection.close()


def _progress(job_pk: int, task_id: str, owner: str, percent: int, label: str) -> None:
    ReportJob.objects.filter(
        pk=job_pk, status=ReportJob.Status.RUNNING, task_id=task_id, lease_owner=owner
    ).update(
        progress=percent,
        progress_label=label[:200],
        lease_expires_at=timezone.now() + LEASE,
    )


def _previous_gemeentefoto(job: ReportJob) -> dict | None:
    previous = (
        ReportJob.objects.for_municipality(job.municipality)
        .done()
        .filter(kind=ReportJob.Kind.GEMEENTEFOTO, queued_at__lte=job.queued_at)
        .exclude(pk=job.pk)
        .order_by("-finished_at", "-pk")
        .only("snapshot")
        .first()
    )
    return previous.snapshot if previous else None


def _gemeentefoto_for_plan(job: ReportJob) -> dict | None:
    jobs = (
        ReportJob.objects.for_municipality(job.municipality)
        .done()
        .filter(kind=ReportJob.Kind.GEMEENTEFOTO)
    )
    if job.cycle_id:
        in_cycle = jobs.filter(cycle_id=job.cycle_id)
        if in_cycle.exists():
            jobs = in_cycle
    found = jobs.order_by("-finished_at", "-pk").only("snapshot").first()
    return found.snapshot if found else None


def report_collect(*, job: ReportJob, progress=None) -> dict:
    """The snapshot for ``job`` from the live data (no side effects)."""
    from reports.snapshot.gemeentefoto import gemeentefoto_collect
    from reports.snapshot.plan import plan_collect

    def no_progress(_percent, _label):
        return None

    progress = progress or no_progress
    if job.kind == ReportJob.Kind.DOSSIER:
        from reports.dossier import dossier_collect

        return dossier_collect(job, progress)
    if job.kind in CLOSEOUT_KINDS:
        from reports.snapshot.closeout import closeout_collect

        return closeout_collect(job, progress)
    if job.kind == ReportJob.Kind.COUNCIL:
        from reports.snapshot.council import council_collect

        return council_collect(job, progress)
    if job.kind == ReportJob.Kind.GEMEENTEFOTO:
        return gemeentefoto_collect(job, progress, _previous_gemeentefoto(job))
    return plan_collect(job, progress, _gemeentefoto_for_plan(job))


def report_build(*, job_pk: int, task_id: str) -> bool:
    """Collect, render and store the report of a job this task has claimed.

    Returns False when the job was taken away meanwhile (the sweeper re-queued it); the file
    written is then removed again.
    """
    from reports.rendering import render_pdf

    job = ReportJob.objects.select_related("municipality", "cycle", "stream", "requested_by").get(
        pk=job_pk
    )
    owner = lease_owner()
    progress = partial(_progress, job_pk, task_id, owner)
    data = report_collect(job=job, progress=progress)
    field = ReportJob._meta.get_field("pdf")
    saved: list[str] = []
    result = {"pdf": "", "pdf_size": None, "files": {}}
    if job.kind == ReportJob.Kind.SISA:
        from reports.spreadsheets import sisa_files

        progress(70, _("Spreadsheets maken"))
        outputs = sisa_files(data)
        progress(95, _("Opslaan"))
        for fmt, content in outputs.items():
            # A generated name (core.uploads.GeneratedName, the pdf field's upload_to);
            # job.filename_for(fmt) is what the download is called.
            name = default_storage.save(
                field.generate_filename(job, job.filename_for(fmt)), ContentFile(content)
            )
            saved.append(name)
            result["files"][fmt] = {"name": name, "size": len(content)}
    elif job.kind == ReportJob.Kind.DOSSIER:
        # The ZIP is written streaming to a temporary file and stored from there (reports.dossier).
        from reports.dossier import dossier_store

        stored_zip = dossier_store(job=job, data=data, progress=progress)
        saved.append(stored_zip["name"])
        result["files"]["zip"] = stored_zip
    else:
        progress(70, _("Opmaak en grafieken"))
        pdf_bytes = render_pdf(data)
        progress(95, _("Opslaan"))
        name = default_storage.save(
            field.generate_filename(job, job.filename), ContentFile(pdf_bytes)
        )
        saved.append(name)
        result.update(pdf=name, pdf_size=len(pdf_bytes))
    stored = ReportJob.objects.filter(
        pk=job_pk, status=ReportJob.Status.RUNNING, task_id=task_id, lease_owner=owner
    ).update(
        status=ReportJob.Status.DONE,
        lease_expires_at=None,
        snapshot=data,
        **result,
        progress=100,
        progress_label=_("Klaar"),
        finished_at=timezone.now(),
        error="",
    )
    if not stored:
        for name in saved:
            default_storage.delete(name)
        logger.warning("Report job %s was taken away from task %s; result dropped", job_pk, task_id)
        return False
    return True


def report_run_now(*, job_pk: int) -> None:
    """Build a queued job in this process without Celery (demo seeding): claim, build, record."""
    task_id = f"inline-{job_pk}"
    if not report_claim(job_pk=job_pk, task_id=task_id):
        return
    try:
        report_build(job_pk=job_pk, task_id=task_id)
    except Exception as exc:
        logger.exception("Report job %s failed", job_pk)
        report_fail(
            job_pk=job_pk,
            message=_("Er ging iets mis bij het maken van de rapportage (%(error)s).")
            % {"error": type(exc).__name__},
        )


def report_fail(*, job_pk: int, message: str) -> None:
    """Record a failure with a readable Dutch message (the technical detail goes to the log)."""
    ReportJob.objects.filter(pk=job_pk).exclude(status=ReportJob.Status.DONE).update(
        status=ReportJob.Status.FAILED,
        lease_expires_at=None,
        error=message,
        finished_at=timezone.now(),
        progress_label=_("Mislukt"),
    )


def report_sweep_stuck(*, now=None) -> dict:
    """Re-queue jobs whose worker died (RUNNING with a lease that ran out), or fail them after
    MAX_ATTEMPTS; send again queued jobs whose message got lost.

    Runs every 30 s from beat, so with a 30 s lease a job whose worker died runs again within a
    minute. A duplicate delivery is harmless because the task claims its row first.
    """
    now = now or timezone.now()
    expired = Q(lease_expires_at__lt=now) | Q(
        lease_expires_at__isnull=True, started_at__lt=now - STUCK_AFTER
    )
    with transaction.atomic():
        stuck = ReportJob.objects.filter(expired, status=ReportJob.Status.RUNNING)
        failed = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
            status=ReportJob.Status.FAILED,
            finished_at=now,
            lease_expires_at=None,
            progress_label=_("Mislukt"),
            error=_(
                "Het maken van deze rapportage is %(n)s keer vastgelopen en daarom gestopt. "
                "Vraag de rapportage opnieuw aan; blijft dit gebeuren, neem dan contact op met "
                "de beheerder."
            )
            % {"n": MAX_ATTEMPTS},
        )
        requeue_pks = list(stuck.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
        # Conditional: a worker that renewed its lease just now keeps its job.
        requeued = ReportJob.objects.filter(
            expired, pk__in=requeue_pks, status=ReportJob.Status.RUNNING
        ).update(
            status=ReportJob.Status.QUEUED,
            task_id="",
            lease_expires_at=None,
            progress=0,
            progress_label=_("In de wachtrij"),
        )
        requeue_pks = list(
            ReportJob.objects.filter(
                pk__in=requeue_pks, status=ReportJob.Status.QUEUED
            ).values_list("pk", flat=True)
        )
        # A job sent (or waiting to be sent) within LOST_AFTER is not lost yet.
        recent = set(
            OutboxMessage.objects.filter(task=BUILD_TASK)
            .filter(Q(sent_at__isnull=True) | Q(created_at__gte=now - LOST_AFTER))
            .values_list("key", flat=True)
        )
        lost = [
            pk
            for pk in ReportJob.objects.filter(
                status=ReportJob.Status.QUEUED, queued_at__lt=now - LOST_AFTER
            )
            .exclude(pk__in=requeue_pks)
            .values_list("pk", flat=True)
            if _outbox_key(pk) not in recent
        ]
        for pk in [*requeue_pks, *lost]:
            _send(pk)
    return {"failed": failed, "requeued": requeued, "resent": len(lost)}


def report_publish(*, job: ReportJob, published: bool) -> ReportJob:
    """Publish (or withdraw) a finished plan so the municipality's schools can open it."""
    if job.kind != ReportJob.Kind.PLAN or job.status != ReportJob.Status.DONE:
        raise ValueError("Only a finished plan can be published.")
    job.published_at = timezone.now() if published else None
    job.save(update_fields=["published_at"])
    return job
