"""The whole snapshot of a plan (the municipality's NPO-aanpak), with its summary."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from core.money import format_money
from reports.formatting import number_nl
from reports.snapshot.budget import budget_section
from reports.snapshot.common import ProgressCallback, cycle_period, snapshot_base
from reports.snapshot.cycle import activities_section, findings_section, goals_section
from reports.snapshot.figures import key_figures
from reports.snapshot.partners import partners_section
from reports.snapshot.profile import profile_section


def plan_collect(job, progress: ProgressCallback, gemeentefoto: dict | None) -> dict:
    with override("nl"):
        municipality, cycle = job.municipality, job.cycle
        period = cycle_period(cycle) or str(timezone.localdate().year)
        snap = snapshot_base(
            job,
            _("Gemeentelijke NPO-aanpak %(name)s %(period)s")
            % {"name": municipality.name, "period": period},
        )
        snap["period"] = period
        progress(15, _("Gemeentefoto"))
        if gemeentefoto is None:
            # No gemeentefoto yet: take the same figures live, so the plan still has highlights.
            gemeentefoto = {
                "profile": profile_section(municipality),
                "partners": partners_section(municipality),
            }
            snap["gemeentefoto_version"] = None
        else:
            snap["gemeentefoto_version"] = gemeentefoto.get("version")
        snap["profile"] = gemeentefoto.get("profile", {})
        progress(30, _("Bevindingen"))
        snap["findings"] = findings_section(municipality, cycle)
        progress(40, _("Doelen"))
        snap["goals"] = goals_section(municipality, cycle)
        progress(50, _("Activiteiten"))
        snap["activities"] = activities_section(municipality, cycle)
        snap["partners"] = partners_section(municipality)
        progress(60, _("Budget"))
        snap["budget"] = budget_section(municipality, cycle)
        snap["key_figures"] = key_figures(snap)
        snap["summary"] = plan_summary(snap)
        snap["monitoring"] = monitoring_section(cycle, snap)
        return snap


def plan_summary(snap: dict) -> list[str]:
    """A few generated sentences for the plan's summary page."""
    name = snap["municipality"]["name"]
    profile = snap.get("profile", {})
    lines = []
    if profile.get("total_schools") is not None:
        line = ngettext(
            "In %(name)s staat %(schools)s schoolvestiging; in het primair onderwijs hadden "
            "de vestigingen samen %(pupils)s leerlingen (DUO, teldatum 1 oktober %(year)s).",
            "In %(name)s staan %(schools)s schoolvestigingen; in het primair onderwijs hadden "
            "de vestigingen samen %(pupils)s leerlingen (DUO, teldatum 1 oktober %(year)s).",
            profile["total_schools"],
        )
        line %= {
            "name": name,
            "schools": number_nl(profile.get("total_schools")),
            "pupils": number_nl(profile.get("total_pupils")),
            "year": profile.get("pupil_year") or "–",
        }
        if hidden := profile.get("hidden_locations") or 0:
            line += " " + ngettext(
                "Exclusief %(n)s vestiging met <5 leerlingen.",
                "Exclusief %(n)s vestigingen met <5 leerlingen.",
                hidden,
            ) % {"n": hidden}
        lines.append(line)
    findings = snap.get("findings", {}).get("items", [])
    goals = snap.get("goals", {}).get("items", [])
    activities = snap.get("activities", {}).get("items", [])
    if findings:
        lines.append(
            ngettext(
                "Samen met scholen en partners is %(n)s bevinding geduid.",
                "Samen met scholen en partners zijn %(n)s bevindingen geduid.",
                len(findings),
            )
            % {"n": len(findings)}
        )
    if goals:
        activities_text = ngettext("%(a)s activiteit", "%(a)s activiteiten", len(activities)) % {
            "a": len(activities)
        }
        lines.append(
            ngettext(
                "Dit plan stelt %(n)s doel, uitgewerkt in %(activities)s.",
                "Dit plan stelt %(n)s doelen, uitgewerkt in %(activities)s.",
                len(goals),
            )
            % {"n": len(goals), "activities": activities_text}
        )
    budget = snap.get("budget", {})
    # Amounts are stored as text ("0.00" is not empty): nothing planned says nothing.
    if budget.get("available") and Decimal(budget.get("total_planned") or 0):
        streams = len(budget.get("streams", []))
        lines.append(
            ngettext(
                "Er is %(amount)s begroot uit %(streams)s financieringsstroom.",
                "Er is %(amount)s begroot over %(streams)s financieringsstromen.",
                streams,
            )
            % {"amount": format_money(budget["total_planned"]), "streams": streams}
        )
    return lines


def monitoring_section(cycle, snap: dict) -> dict:
    goals = snap.get("goals", {}).get("items", [])
    return {
        "goals_with_indicator": sum(1 for g in goals if g.get("indicator")),
        "goals_total": len(goals),
        "lessons": cycle.previous_lessons if cycle is not None else "",
    }
