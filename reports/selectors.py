"""Reads of report jobs, always through the municipality (and, for schools, only published plans)."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from municipalities.access import advisor_municipalities
from municipalities.models import Membership, Municipality, Role
from reports.models import CLOSEOUT_KINDS, ReportJob


def report_jobs_visible(*, municipality: Municipality, membership: Membership) -> QuerySet:
    """The gemeentefoto and plan jobs this member may see. A school sees only finished,
    published plans. The close-out jobs are read through ``closeout_jobs`` (finance readers)."""
    jobs = (
        ReportJob.objects.for_municipality(municipality)
        .exclude(kind__in=CLOSEOUT_KINDS)
        .select_related("municipality", "requested_by", "cycle")
    )
    if membership.role == Role.SCHOOL:
        jobs = jobs.filter(
            kind=ReportJob.Kind.PLAN,
            status=ReportJob.Status.DONE,
            published_at__isnull=False,
        )
    return jobs


def report_list(*, municipality: Municipality, membership: Membership) -> list[ReportJob]:
    # The snapshot can be large; the list never needs it.
    return list(
        report_jobs_visible(municipality=municipality, membership=membership)
        .defer("snapshot")
        .order_by("kind", "-version", "-pk")
    )


def report_get(
    *, municipality: Municipality, membership: Membership, pk: int, with_snapshot: bool = False
) -> ReportJob:
    """404 for another municipality's job and for anything a school may not open."""
    jobs = report_jobs_visible(municipality=municipality, membership=membership)
    if not with_snapshot:
        jobs = jobs.defer("snapshot")
    return get_object_or_404(jobs, pk=pk)


def bulk_jobs(*, user, pks: list[int]) -> list[ReportJob]:
    return list(
        ReportJob.objects.filter(pk__in=pks, municipality__in=advisor_municipalities(user))
        .exclude(kind__in=CLOSEOUT_KINDS)
        .select_related("municipality", "cycle")
        .defer("snapshot")
        .order_by("municipality__name")
    )


# --- Close-out outputs (the SiSa files and the final accounting PDF of one stream) -------------

CLOSEOUT_VERSIONS_SHOWN = 5


@dataclass(frozen=True)
class CloseoutOutputs:
    """The close-out jobs of one stream per kind (newest first) for ``closeout/_outputs.html``."""

    by_kind: dict[str, list[ReportJob]]

    @property
    def building(self) -> bool:
        """Some job is still queued or running: the partial polls until none is."""
        return any(not job.is_finished for jobs in self.by_kind.values() for job in jobs)


def closeout_jobs(*, municipality: Municipality, stream) -> CloseoutOutputs:
    """Per close-out kind, its newest jobs for ``stream`` (at most CLOSEOUT_VERSIONS_SHOWN),
    newest first; one query."""
    jobs = list(
        ReportJob.objects.for_municipality(municipality)
        .filter(kind__in=CLOSEOUT_KINDS, stream=stream)
        .select_related("municipality", "stream", "requested_by")
        .defer("snapshot")
        .order_by("-version", "-pk")
    )
    by_kind: dict[str, list[ReportJob]] = {kind: [] for kind in CLOSEOUT_KINDS}
    for job in jobs:
        if len(by_kind[job.kind]) < CLOSEOUT_VERSIONS_SHOWN:
            by_kind[job.kind].append(job)
    return CloseoutOutputs(by_kind=by_kind)


def closeout_job_get(*, municipality: Municipality, pk: int) -> ReportJob:
    """A close-out job of this municipality; 404 for anything else (another municipality's job,
    a gemeentefoto or plan)."""
    jobs = (
        ReportJob.objects.for_municipality(municipality)
        .filter(kind__in=CLOSEOUT_KINDS)
        .select_related("municipality", "stream")
        .defer("snapshot")
    )
    return get_object_or_404(jobs, pk=pk)
