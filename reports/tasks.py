"""Celery tasks: build a report job, and sweep jobs whose worker died.

Thin on purpose (see STYLE.md "Background work"): claim the row, call the service, record the
outcome. WeasyPrint is imported inside ``reports.rendering.render_pdf``, never at import time,
so the web process and beat never load it.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from django.utils.translation import override

from reports import services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    bind=True,
    name="reports.build",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=180,
)
def report_build_task(self, job_pk: int) -> str:
    task_id = self.request.id or ""
    claim = services.report_claim(job_pk=job_pk, task_id=task_id)
    if not claim:
        if claim.retry_in is not None and not self.request.is_eager:
            # A redelivered message while the lease still runs (its holder may be alive, e.g. a
            # broker redelivery after a lost connection): look again when the lease ends,
            # instead of dropping the job. Not counted against max_retries.
            raise self.retry(countdown=claim.retry_in, max_retries=self.request.retries + 1)
        # A duplicate delivery, or a job that is already finished: nothing to do.
        return "skipped"
    with override("nl"), services.Heartbeat(job_pk, task_id):
        try:
            built = services.report_build(job_pk=job_pk, task_id=task_id)
        except SoftTimeLimitExceeded:
            logger.warning("Report job %s hit the soft time limit", job_pk)
            services.report_fail(
                job_pk=job_pk,
                message=_(
                    "Het maken van de rapportage duurde te lang en is afgebroken. "
                    "Probeer het later opnieuw."
                ),
            )
            return "failed"
        except TRANSIENT_ERRORS:
            if self.request.retries >= self.max_retries:
                logger.exception("Report job %s failed after retries", job_pk)
                services.report_fail(
                    job_pk=job_pk,
                    message=_(
                        "De database was tijdelijk niet bereikbaar, ook na een paar nieuwe "
                        "pogingen. Vraag de rapportage later opnieuw aan."
                    ),
                )
                return "failed"
            # autoretry_for re-schedules the task with backoff; the retry may run in another
            # process, so the lease is given up now rather than left to run out.
            services.report_lease_release(job_pk=job_pk, task_id=task_id)
            raise
        except Exception as exc:
            logger.exception("Report job %s failed", job_pk)
            services.report_fail(
                job_pk=job_pk,
                message=_(
                    "Er ging iets mis bij het maken van de rapportage (%(error)s). "
                    "Vraag hem opnieuw aan; blijft dit gebeuren, neem dan contact op met "
                    "de beheerder."
                )
                % {"error": type(exc).__name__},
            )
            return "failed"
    return "done" if built else "dropped"


@shared_task(name="reports.sweep_stuck", acks_late=True, expires=60)
def report_sweep_stuck_task() -> dict:
    """Periodic (Celery beat, every 30 s): re-queue jobs whose lease ran out (their worker died),
    or fail them after a few attempts; resend queued jobs whose message was lost."""
    with override("nl"):
        result = services.report_sweep_stuck()
    if any(result.values()):
        logger.warning("Swept report jobs: %s", result)
    return result
