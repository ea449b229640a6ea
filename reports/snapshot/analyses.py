"""The school analyses received in the cycle.

Counts of schools come from ``analyses.figures.analysis_figures``, the one selector every page
uses for them, already protected: 1–4 is stored as ``<5`` and a cell from which such a count
could be worked back as ``x``, at collection time, so a small number never reaches the stored
snapshot. The number received is shown exactly (the dashboard and the portfolio show it too).
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analyses.figures import MIN_ANALYSES, analysis_figures
from core.npo import SpendingCategory
from municipalities.models import Municipality
from reports.formatting import number_nl
from reports.snapshot.common import unavailable
from schools.models import School

INTERVENTIONS_SHOWN = 10


def _schools(value) -> str:
    """ "12 scholen", "1 school"; a hidden count ("<5", "x") reads as plural."""
    n = value if isinstance(value, int) else 5
    return ngettext("%(n)s school", "%(n)s scholen", n) % {"n": number_nl(value)}


def analyses_section(municipality: Municipality, cycle) -> dict:
    """The received school analyses of the cycle, as the reader may see them."""
    missing = unavailable(_("Er zijn nog geen schoolanalyses ontvangen voor deze cyclus."))
    if cycle is None:
        return missing
    if cycle.analyses_waived:
        # Waived: the gemeentefoto must not say that none were received, as if schools failed.
        return unavailable(
            _("Voor deze cyclus zijn geen schoolanalyses nodig: %(reason)s")
            % {"reason": cycle.analyses_waiver_reason}
        )
    figures = analysis_figures(cycles=[cycle])[cycle.pk]
    if not figures.received:
        return missing
    section = {
        "available": True,
        "submitted": figures.received,
        "schools_total": School.objects.for_municipality(municipality).active().count(),
        "withheld": figures.withheld,
        "domains": [],
        "interventions": [],
        "needs": [],
    }
    if figures.withheld:
        section["withheld_note"] = _(
            "Er zijn minder dan %(n)s analyses ontvangen; elke uitsplitsing zou over één of "
            "enkele scholen gaan en wordt daarom niet getoond."
        ) % {"n": MIN_ANALYSES}
        return section
    section["domains"] = [
        {
            "domain": d.domain,
            "label": d.label,
            "small": figures.delay(d.domain, "klein"),
            "large": figures.delay(d.domain, "groot"),
            "share": str(round(d.shown_share)) if d.shown_share is not None else None,
        }
        for d in figures.domains
    ]
    section["interventions"] = [
        {"name": f"{i.area}. {i.name}", "schools": figures.intervention(i.pk)}
        for i in figures.interventions[:INTERVENTIONS_SHOWN]
    ]
    section["needs"] = [
        f"{c.label}: {_schools(figures.need(c.value))}"
        for c in SpendingCategory
        if figures.needs.get(c.value)
    ]
    section["hidden_cells"] = len(figures.protection.hidden)
    return section
