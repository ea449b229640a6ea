"""Demo reports for `make run`: per demo municipality a gemeentefoto (and, where the cycle has
goals, the plan) for its NPO cycle and for its current cycle; the council evaluation
(raadsinformatiebrief) of every NPO cycle that is evaluated with a result for each goal (Utrecht,
Amersfoort; Zwolle still misses one); Amersfoort's SiSa overview and accountant's PDF, and then
its dossier for the archive (which holds them), made after its final accounting became
definitief. Runs last, after every other seeder. Idempotent: a kind that is already done for a cycle (or, for the dossier, for the stream) gets no new version.

The jobs are built in-process (``services.report_run_now``, the task's steps without Celery),
also when a broker is configured, so the demo is complete as soon as seeding ends.
"""

from django.conf import settings

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


def _officer(municipality):
    from municipalities.models import Membership, Role

    membership = (
        Membership.objects.for_municipality(municipality)
        .active()
        .filter(role__in=[Role.POLICY_OFFICER, Role.ADVISOR])
        .select_related("user")
        .order_by("role")
        .first()
    )
    return membership.user if membership else None


def _cycles(municipality) -> list:
    """The NPO cycle first, then the current cycle when that is another one."""
    from budgets.demo import npo_cycle

    found = []
    for cycle in (npo_cycle(municipality), services.current_cycle(municipality=municipality)):
        if cycle is not None and cycle not in found:
            found.append(cycle)
    return found or [None]


def seed(stdout=None) -> None:
    from budgets.models import FundingStream
    from closeout.models import FinalAccounting
    from cycles.models import Goal
    from reports.dossier import AUDIENCE_ARCHIVE, dossier_options
    from reports.gates import council_block_reason

    if not settings.DEMO_REPORTS:
        # The test suite seeds the demo a dozen times; only the tests that look at the reports
        # turn this on (the PDFs are most of a seeding's time).
        _say(stdout, "Rapportages: overgeslagen (DEMO_REPORTS uit).\n")
        return
    _say(stdout, "Rapportages:\n")
    npo = FundingStream.objects.filter(code="npo-gemeenten").first()
    for municipality in Municipality.objects.filter(cbs_code__in=DEMO_CODES).order_by("name"):
        user = _officer(municipality)
        jobs = ReportJob.objects.for_municipality(municipality).done()
        for cycle in _cycles(municipality):
            done = jobs.filter(cycle=cycle)
            kinds = ["gemeentefoto"]
            if cycle is not None and Goal.objects.for_municipality(municipality).filter(
                cycle=cycle
            ):
                kinds.append("plan")
            if cycle is not None and council_block_reason(cycle=cycle) is None:
                kinds.append("raadsinformatiebrief")
            for kind in kinds:
                if done.filter(kind=kind).exists():
                    continue
                _report(stdout, municipality, _build(municipality, cycle, kind, user))
        final = FinalAccounting.objects.for_municipality(municipality).filter(
            stream=npo, status=FinalAccounting.Status.FINAL
        )
        if npo is not None and final.exists():
            # The close-out outputs of the definitief accounting (the accountant's PDF and the
            # SiSa overview), so the dossier made next holds them too.
            for kind in ("sisa", "eindverantwoording"):
                if jobs.filter(kind=kind, stream=npo).exists():
                    continue
                job = services.report_request(
                    municipality=municipality, kind=kind, stream=npo, user=user, enqueue=False
                )
                services.report_run_now(job_pk=job.pk)
                job.refresh_from_db()
                _report(stdout, municipality, job)
        if npo is not None and final.exists() and not jobs.filter(kind="dossier").exists():
            job = services.report_request(
                municipality=municipality,
                kind="dossier",
                stream=npo,
                user=user,
                options=dossier_options(audience=AUDIENCE_ARCHIVE),
                enqueue=False,
            )
            services.report_run_now(job_pk=job.pk)
            job.refresh_from_db()
            _report(stdout, municipality, job)


def _report(stdout, municipality, job) -> None:
    _say(
        stdout,
        f"  {municipality.name}: {job.get_kind_display()} versie {job.version} "
        f"({job.get_status_display().lower()})\n",
    )
