"""Dashboard panel of the reports app: the newest finished gemeentefoto and plan."""

from municipalities.dashboard import register_panel
from municipalities.models import READER_ROLES, Role
from reports.models import ReportJob
from reports.selectors import report_jobs_visible


def reports_panel(*, municipality, membership) -> dict | None:
    done = (
        report_jobs_visible(municipality=municipality, membership=membership)
        .filter(status=ReportJob.Status.DONE)
        .defer("snapshot")
        .order_by("-finished_at", "-pk")
    )
    latest = {}
    for job in done[:20]:  # one query; the newest of each kind
        latest.setdefault(job.kind, job)
    if membership.role == Role.SCHOOL and not latest:
        return None
    return {
        "gemeentefoto": latest.get(ReportJob.Kind.GEMEENTEFOTO),
        "plan": latest.get(ReportJob.Kind.PLAN),
        "can_edit": membership.can_edit,
    }


register_panel(
    "reports",
    template="reports/_dashboard_panel.html",
    context=reports_panel,
    roles=READER_ROLES | {Role.SCHOOL},
    order=50,
)
