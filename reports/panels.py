"""Dashboard panel of the reports app: the newest finished gemeentefoto and plan."""

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from core.prepared import Prepared
from municipalities.dashboard import register_panel
from municipalities.models import READER_ROLES, Membership, Role
from reports.models import ReportJob
from reports.selectors import report_jobs_visible

# The newest finished gemeentefoto and plan that a role may see: one query, the newest of each
# kind by a window over the municipality's finished reports of the two kinds (not "the newest
# 20", which missed the plan behind 20 newer versions of the gemeentefoto). Asked on every
# dashboard view: compiled once per process and role (core.prepared).
KINDS = (ReportJob.Kind.GEMEENTEFOTO, ReportJob.Kind.PLAN)
_newest_done: dict[str, Prepared] = {}


def _newest_done_for(role: str) -> Prepared:
    if role not in _newest_done:

        def build(municipality_id):
            visible = report_jobs_visible(
                municipality=municipality_id, membership=Membership(role=role)
            )
            return (
                visible.filter(status=ReportJob.Status.DONE, kind__in=KINDS)
                .select_related(None)
                .only("pk", "kind", "version", "finished_at", "municipality_id", "cycle_id")
                .annotate(
                    newest=Window(
                        RowNumber(),
                        partition_by=[F("kind")],
                        order_by=[F("finished_at").desc(), F("pk").desc()],
                    )
                )
                .filter(newest=1)
                .order_by()
            )

        _newest_done[role] = Prepared(build, municipality_id=0)
    return _newest_done[role]


def reports_panel(*, municipality, membership) -> dict | None:
    found = _newest_done_for(membership.role)(municipality_id=municipality.pk)
    latest = {str(job.kind): job for job in found}
    if membership.role == Role.SCHOOL and not latest:
        return None
    return {
        "gemeentefoto": latest.get(ReportJob.Kind.GEMEENTEFOTO.value),
        "plan": latest.get(ReportJob.Kind.PLAN.value),
        "can_edit": membership.can_edit,
    }


register_panel(
    "reports",
    template="reports/_dashboard_panel.html",
    context=reports_panel,
    roles=READER_ROLES | {Role.SCHOOL},
    order=50,
)
