"""Dashboard panel of the reports app: the newest finished gemeentefoto and plan."""

from core.prepared import Prepared
from municipalities.dashboard import register_panel
from municipalities.models import READER_ROLES, Membership, Role
from reports.models import ReportJob
from reports.selectors import report_jobs_visible

# The newest finished report of one kind that a role may see (one small query per kind, on the
# kind's index: a single "newest 20" read missed the plan behind 20 newer versions of other
# reports). Asked on every dashboard view: compiled once per process and role (core.prepared).
_newest_done: dict[str, Prepared] = {}


def _newest_done_for(role: str) -> Prepared:
    if role not in _newest_done:

        def build(municipality_id, kind):
            visible = report_jobs_visible(
                municipality=municipality_id, membership=Membership(role=role)
            )
            return (
                visible.filter(status=ReportJob.Status.DONE, kind=kind)
                .select_related(None)
                .only("pk", "kind", "version", "finished_at", "municipality_id", "cycle_id")
                .order_by("-finished_at", "-pk")[:1]
            )

        _newest_done[role] = Prepared(build, municipality_id=0, kind="")
    return _newest_done[role]


def reports_panel(*, municipality, membership) -> dict | None:
    newest = _newest_done_for(membership.role)
    latest = {}
    for kind in (ReportJob.Kind.GEMEENTEFOTO, ReportJob.Kind.PLAN):
        found = newest(municipality_id=municipality.pk, kind=str(kind))
        latest[kind] = found[0] if found else None
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
