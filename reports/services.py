"""Writes for report jobs: request, build, fail, sweep, publish.

The request path only inserts a row and enqueues the task on commit, so it answers in
milliseconds. The build (``report_build``) runs in a Celery worker, or in-process when no broker
is configured; it never holds a transaction open while it renders, so the browser sees the
progress as it happens.
"""

import logging
from datetime import timedelta
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Municipality
from reports.models import ReportJob

logger = logging.getLogger(__name__)

# A job RUNNING longer than this has lost its worker (the hard time limit is 3 minutes).
STUCK_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3


def current_cycle(*, municipality: Municipality):
    """The municipality's open cycle (there is at most one), or None."""
    from cycles.models import Cycle

    return Cycle.objects.for_municipality(municipality).open().first()


def _next_version(*, municipality: Municipality, cycle, kind: str) -> int:
    jobs = ReportJob.objects.for_municipality(municipality).filter(kind=kind)
    jobs = jobs.filter(cycle=cycle) if cycle is not None else jobs.filter(cycle__isnull=True)
    return (jobs.aggregate(last=Max("version"))["last"] or 0) + 1


def _unfinished(*, municipality: Municipality, cycle, kind: str) -> ReportJob | None:
    jobs = ReportJob.objects.for_municipality(municipality).filter(
        kind=kind, status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]
    )
    jobs = jobs.filter(cycle=cycle) if cycle is not None else jobs.filter(cycle__isnull=True)
    return jobs.order_by("-version").first()


def report_enqueue(*, job_pk: int) -> None:
    """Send the build task to the broker (or run it in-process without one)."""
    from celery.exceptions import Retry

    from reports.tasks import report_build_task

    try:
        result = report_build_task.apply_async(args=[job_pk])
    except Retry:
        # Only in-process (no broker): Celery cannot schedule a retry, so a transient error is
        # recorded as a failure instead of breaking the request that asked for the report.
        report_fail(
            job_pk=job_pk,
            message=_(
                "De database was tijdelijk niet bereikbaar. Vraag de rapportage opnieuw aan."
            ),
        )
        return
    # Remember the task id at once (the worker sets it too when it claims the row).
    ReportJob.objects.filter(pk=job_pk, status=ReportJob.Status.QUEUED, task_id="").update(
        task_id=result.id or ""
    )


def report_request(
    *, municipality: Municipality, kind: str, user, cycle=None, enqueue: bool = True
) -> ReportJob:
    """Create a queued job with the next version number; the task starts after commit.

    While an identical job (same municipality, cycle and kind) is still queued or running, that
    job is returned instead and nothing is created: ten clicks make one report. Such a job has
    ``already_requested = True``.

    ``enqueue=False`` only creates the job (the demo seeder and the benchmark run it themselves).
    """
    if kind not in ReportJob.Kind.values:
        raise ValueError(f"Unknown report kind {kind!r}")
    with transaction.atomic(durable=True):
        # Serialise requests per municipality (SQLite serialises writers anyway): the check for
        # an unfinished job and the version number below see every committed request.
        Municipality.objects.select_for_update().filter(pk=municipality.pk).exists()
        pending = _unfinished(municipality=municipality, cycle=cycle, kind=kind)
        if pending is not None:
            pending.already_requested = True
            return pending
        job = ReportJob.objects.create(
            municipality=municipality,
            cycle=cycle,
            kind=kind,
            version=_next_version(municipality=municipality, cycle=cycle, kind=kind),
            requested_by=user,
            progress_label=_("In de wachtrij"),
        )
        job.already_requested = False
        if enqueue:
            transaction.on_commit(partial(report_enqueue, job_pk=job.pk))
    return job


def report_claim(*, job_pk: int, task_id: str, is_retry: bool) -> bool:
    """Move QUEUED -> RUNNING with one conditional UPDATE. False: someone else has it (or it is
    finished), so this delivery must do nothing.

    A Celery retry keeps its task id, so a retry may take back its own RUNNING row.
    """
    allowed = Q(status=ReportJob.Status.QUEUED)
    if is_retry:
        allowed |= Q(status=ReportJob.Status.RUNNING, task_id=task_id)
    jobs = ReportJob.objects.filter(allowed, pk=job_pk)
    return bool(
        jobs.update(
            status=ReportJob.Status.RUNNING,
            task_id=task_id,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            progress=5,
            progress_label=_("Gestart"),
            error="",
        )
    )


def _progress(job_pk: int, task_id: str, percent: int, label: str) -> None:
    ReportJob.objects.filter(pk=job_pk, status=ReportJob.Status.RUNNING, task_id=task_id).update(
        progress=percent, progress_label=label[:200]
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
    if job.kind == ReportJob.Kind.GEMEENTEFOTO:
        return gemeentefoto_collect(job, progress, _previous_gemeentefoto(job))
    return plan_collect(job, progress, _gemeentefoto_for_plan(job))


def report_build(*, job_pk: int, task_id: str) -> bool:
    """Collect, render and store the report of a job this task has claimed.

    Returns False when the job was taken away meanwhile (the sweeper re-queued it); the file
    written is then removed again.
    """
    from reports.rendering import render_pdf

    job = ReportJob.objects.select_related("municipality", "cycle", "requested_by").get(pk=job_pk)
    progress = partial(_progress, job_pk, task_id)
    data = report_collect(job=job, progress=progress)
    progress(70, _("Opmaak en grafieken"))
    pdf_bytes = render_pdf(data)
    progress(95, _("Opslaan"))
    # A generated name (core.uploads.GeneratedName, the field's upload_to); job.filename is what
    # the download is called.
    name = ReportJob._meta.get_field("pdf").generate_filename(job, job.filename)
    name = default_storage.save(name, ContentFile(pdf_bytes))
    stored = ReportJob.objects.filter(
        pk=job_pk, status=ReportJob.Status.RUNNING, task_id=task_id
    ).update(
        status=ReportJob.Status.DONE,
        snapshot=data,
        pdf=name,
        pdf_size=len(pdf_bytes),
        progress=100,
        progress_label=_("Klaar"),
        finished_at=timezone.now(),
        error="",
    )
    if not stored:
        default_storage.delete(name)
        logger.warning("Report job %s was taken away from task %s; result dropped", job_pk, task_id)
        return False
    return True


def report_run_now(*, job_pk: int) -> None:
    """Build a queued job in this process without Celery (demo seeding): claim, build, record."""
    task_id = f"inline-{job_pk}"
    if not report_claim(job_pk=job_pk, task_id=task_id, is_retry=False):
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
        error=message,
        finished_at=timezone.now(),
        progress_label=_("Mislukt"),
    )


def report_sweep_stuck(*, now=None, stuck_after: timedelta = STUCK_AFTER) -> dict:
    """Re-queue jobs whose worker died (stuck in RUNNING), or fail them after MAX_ATTEMPTS.

    Queued jobs whose message got lost (broker restarted without persistence) are sent again; a
    duplicate delivery is harmless because the task claims its row first.
    """
    now = now or timezone.now()
    cutoff = now - stuck_after
    stuck = ReportJob.objects.filter(status=ReportJob.Status.RUNNING, started_at__lt=cutoff)
    failed = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ReportJob.Status.FAILED,
        finished_at=now,
        progress_label=_("Mislukt"),
        error=_(
            "Het maken van deze rapportage is %(n)s keer vastgelopen en daarom gestopt. "
            "Vraag de rapportage opnieuw aan; blijft dit gebeuren, neem dan contact op met "
            "de beheerder."
        )
        % {"n": MAX_ATTEMPTS},
    )
    requeue_pks = list(stuck.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    requeued = []
    for pk in requeue_pks:
        # Conditional: a worker that finishes just now wins; we only take back a row still stuck.
        if ReportJob.objects.filter(
            pk=pk, status=ReportJob.Status.RUNNING, started_at__lt=cutoff
        ).update(
            status=ReportJob.Status.QUEUED,
            task_id="",
            progress=0,
            progress_label=_("Opnieuw in de wachtrij"),
        ):
            requeued.append(pk)
    lost = list(
        ReportJob.objects.filter(status=ReportJob.Status.QUEUED, queued_at__lt=cutoff)
        .exclude(pk__in=requeued)
        .values_list("pk", flat=True)
    )
    for pk in [*requeued, *lost]:
        transaction.on_commit(partial(report_enqueue, job_pk=pk))
    return {"failed": failed, "requeued": len(requeued), "resent": len(lost)}


def report_publish(*, job: ReportJob, published: bool) -> ReportJob:
    """Publish (or withdraw) a finished plan so the municipality's schools can open it."""
    if job.kind != ReportJob.Kind.PLAN or job.status != ReportJob.Status.DONE:
        raise ValueError("Only a finished plan can be published.")
    job.published_at = timezone.now() if published else None
    job.save(update_fields=["published_at"])
    return job
