"""Reads of report jobs, always through the municipality (and, for schools, only published plans)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from municipalities.access import advisor_municipalities
from municipalities.models import Membership, Municipality, Role
from reports.models import ReportJob


def report_jobs_visible(*, municipality: Municipality, membership: Membership) -> QuerySet:
    """The jobs this member may see. A school sees only finished, published plans."""
    jobs = ReportJob.objects.for_municipality(municipality).select_related(
        "municipality", "requested_by", "cycle"
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
        .select_related("municipality")
        .defer("snapshot")
        .order_by("municipality__name")
    )
