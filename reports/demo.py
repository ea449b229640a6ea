"""Demo reports for `make run`: a gemeentefoto for every demo municipality's current cycle and the
plan where the demo has goals. Runs last, after every other seeder. Idempotent: a municipality
that already has a finished gemeentefoto for its cycle gets no new version.

The jobs are built in-process (``services.report_run_now``, the task's steps without Celery),
also when a broker is configured, so the demo is complete as soon as seeding ends.
"""

from municipalities.models import Municipality
from reports import services
from reports.models import ReportJob

DEMO_CODES = ["GM0344", "GM0193", "GM0307"]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _build(municipality, cycle, kind: str, user) -> ReportJob:
    job = services.report_request(
        municipality=municipality, kind=kind, user=user, cycle=cycle, enqueue=False
    )
    services.report_run_now(job_pk=job.pk)
    job.refresh_from_db()
    return job


def seed(stdout=None) -> None:
    from cycles.models import Goal
    from municipalities.models import Membership, Role

    _say(stdout, "Rapportages:\n")
    for municipality in Municipality.objects.filter(cbs_code__in=DEMO_CODES).order_by("name"):
        cycle = services.current_cycle(municipality=municipality)
        done = ReportJob.objects.for_municipality(municipality).done().filter(cycle=cycle)
        officer = (
            Membership.objects.for_municipality(municipality)
            .active()
            .filter(role__in=[Role.POLICY_OFFICER, Role.ADVISOR])
            .select_related("user")
            .order_by("role")
            .first()
        )
        user = officer.user if officer else None
        kinds = ["gemeentefoto"]
        if cycle is not None and Goal.objects.for_municipality(municipality).filter(cycle=cycle):
            kinds.append("plan")
        for kind in kinds:
            if done.filter(kind=kind).exists():
                continue
            job = _build(municipality, cycle, kind, user)
            _say(
                stdout,
                f"  {municipality.name}: {job.get_kind_display()} versie {job.version} "
                f"({job.get_status_display().lower()})\n",
            )
