"""Dashboard panel of the reports app: the newest finished gemeentefoto and plan."""

from municipalities.dashboard import register_panel
from municipalities.models import READER_ROLES, Role
from reports.models import ReportJob
from reports.selectors import report_jobs_visible


def reports_panel(*, municipality, membership) -> dict | None:
    done = report_jobs_visible(municipality=municipality, membership=membership).filter(
        status=ReportJob.Status.DONE
    )
    # The newest finished report of each kind (one small query each, on the kind's index): a
    # single "newest 20" read missed the plan behind 20 newer versions of other reports.
    latest = {
        kind: done.filter(kind=kind)
        .select_related(None)
        .only("pk", "kind", "version", "finished_at", "municipality_id", "cycle_id")
        .order_by("-finished_at", "-pk")
        .first()
        for kind in (ReportJob.Kind.GEMEENTEFOTO, ReportJob.Kind.PLAN)
    }
    if membership.role == Role.SCHOOL and not any(latest.values()):
        return None
    return {
        "gemeentefoto": latest[ReportJob.Kind.GEMEENTEFOTO],
        "plan": latest[ReportJob.Kind.PLAN],
        "can_edit": membership.can_edit,
    }


register_panel(
    "reports",
    template="reports/_dashboard_panel.html",
    context=reports_panel,
    roles=READER_ROLES | {Role.SCHOOL},
    order=50,
)
