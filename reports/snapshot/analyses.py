"""The school analyses received in the cycle."""

from django.utils.translation import gettext as _

from analyses.selectors import analysis_summary
from municipalities.models import Municipality
from reports.formatting import number_nl, suppress
from reports.snapshot.common import unavailable


def analyses_section(municipality: Municipality, cycle) -> dict:
    """The received school analyses of the cycle, via the analyses app's summary selector."""
    missing = unavailable(_("Er zijn nog geen schoolanalyses ontvangen voor deze cyclus."))
    if cycle is None:
        return missing
    if cycle.analyses_waived:
        # Waived: the gemeentefoto must not say that none were received, as if schools failed.
        return unavailable(
            _("Voor deze cyclus zijn geen schoolanalyses nodig: %(reason)s")
            % {"reason": cycle.analyses_waiver_reason}
        )
    summary = analysis_summary(municipality=municipality, cycle=cycle)
    if not summary["received"]:
        return missing
    return {
        "available": True,
        "submitted": suppress(summary["received"]),
        "schools_total": suppress(summary["schools_total"]),
        "domains": [
            {
                "label": d["label"],
                "small": suppress(d["counts"].get("klein", 0)),
                "large": suppress(d["counts"].get("groot", 0)),
                # a mean share over fewer than 5 schools could describe one school
                "share": str(d["mean_share"])
                if d["mean_share"] is not None and summary["received"] >= 5
                else None,
            }
            for d in summary["domains"]
        ],
        "interventions": [
            {"name": f"{i['area']}. {i['name']}", "schools": suppress(i["schools"])}
            for i in summary["interventions"][:10]
        ],
        "needs": [
            f"{n['label']}: {number_nl(suppress(n['schools']))} scholen"
            for n in summary["needs"]
            if n["schools"]
        ],
    }
