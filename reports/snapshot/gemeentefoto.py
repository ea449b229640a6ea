"""The whole snapshot of a gemeentefoto."""

from django.utils.translation import gettext as _
from django.utils.translation import override

from reports.snapshot.analyses import analyses_section
from reports.snapshot.budget import budget_section
from reports.snapshot.common import ProgressCallback, snapshot_base
from reports.snapshot.cycle import findings_section, goals_section
from reports.snapshot.figures import changes_since, key_figures
from reports.snapshot.partners import partners_section
from reports.snapshot.profile import profile_section


def gemeentefoto_collect(job, progress: ProgressCallback, previous: dict | None) -> dict:
    with override("nl"):
        municipality, cycle = job.municipality, job.cycle
        snap = snapshot_base(job, _("Gemeentefoto %(name)s") % {"name": municipality.name})
        progress(15, _("Profiel van de gemeente"))
        snap["profile"] = profile_section(municipality)
        progress(35, _("Schoolanalyses"))
        snap["analyses"] = analyses_section(municipality, cycle)
        progress(45, _("Partners"))
        snap["partners"] = partners_section(municipality)
        progress(55, _("Bevindingen, doelen en budget"))
        snap["findings"] = findings_section(municipality, cycle)
        snap["goals"] = goals_section(municipality, cycle)
        snap["budget"] = budget_section(municipality, cycle)
        snap["key_figures"] = key_figures(snap)
        snap["changes"] = changes_since(previous, snap)
        return snap
