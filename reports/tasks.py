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
    is_retry = bool(self.request.retries)
    if not services.report_claim(job_pk=job_pk, task_id=task_id, is_retry=is_retry):
        # A duplicate delivery, or a job that is already finished: nothing to do.
        return "skipped"
    with override("nl"):
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
            raise  # autoretry_for re-schedules the task with backoff
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


@shared_task(name="reports.sweep_stuck", acks_late=True)
def report_sweep_stuck_task() -> dict:
    """Periodic (Celery beat, CELERY_BEAT_SCHEDULE): re-queue or fail jobs stuck in RUNNING."""
    with override("nl"):
        result = services.report_sweep_stuck()
    if any(result.values()):
        logger.warning("Swept report jobs: %s", result)
    return result
