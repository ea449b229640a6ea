"""What the 4D cycle holds: the findings (Duiden), the goals (Doelen), the activities (Doen)."""

from django.utils.translation import gettext as _

from cycles.models import Activity, Finding, Goal
from municipalities.models import Municipality
from reports.formatting import number_nl
from reports.snapshot.common import date_display, unavailable


def findings_section(municipality: Municipality, cycle) -> dict:
    if cycle is None:
        return unavailable(_("Er zijn nog geen bevindingen uit de fase Duiden vastgelegd."))
    items = [
        {
            "theme": f.theme,
            "domain": f.get_domain_display(),
            "target_group": f.get_target_group_display(),
            "priority": f.get_priority_display() if f.priority else _("Nog niet geprioriteerd"),
            "evidence": f.evidence,
        }
        for f in Finding.objects.for_municipality(municipality).filter(cycle=cycle)
    ]
    if not items:
        return unavailable(_("Er zijn nog geen bevindingen uit de fase Duiden vastgelegd."))
    return {"available": True, "items": items}


def _decimal_text(value, unit: str = "") -> str:
    if value is None:
        return ""
    text = number_nl(int(value)) if value == value.to_integral_value() else number_nl(value)
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit else text


def goals_section(municipality: Municipality, cycle) -> dict:
    if cycle is None:
        return unavailable(_("Er zijn nog geen doelen vastgesteld."))
    goals = (
        Goal.objects.for_municipality(municipality)
        .filter(cycle=cycle)
        .prefetch_related("responsible_partners", "interventions")
    )
    items = [
        {
            "title": g.title,
            "description": g.description,
            "target_group": g.get_target_group_display() if g.target_group else "",
            "indicator": g.indicator,
            "baseline": _decimal_text(g.baseline, g.unit),
            "target": _decimal_text(g.target_value, g.unit),
            "deadline": date_display(g.deadline),
            "category": g.get_spending_category_display() if g.spending_category else "",
            "partners": [p.name for p in g.responsible_partners.all()],
            "interventions": [str(i) for i in g.interventions.all()],
        }
        for g in goals
    ]
    if not items:
        return unavailable(_("Er zijn nog geen doelen vastgesteld."))
    return {"available": True, "items": items}


def activities_section(municipality: Municipality, cycle) -> dict:
    if cycle is None:
        return unavailable(_("Er zijn nog geen activiteiten gepland."))
    activities = (
        Activity.objects.for_municipality(municipality)
        .filter(goal__cycle=cycle)
        .select_related("goal", "executing_partner")
        .order_by("start_date", "pk")
    )
    items = [
        {
            "title": a.title,
            "goal": a.goal.title,
            "partner": a.executing_partner.name if a.executing_partner else "",
            "start": a.start_date.isoformat() if a.start_date else "",
            "end": a.end_date.isoformat() if a.end_date else "",
            "start_display": date_display(a.start_date),
            "end_display": date_display(a.end_date),
            "status": a.get_status_display(),
        }
        for a in activities
    ]
    if not items:
        return unavailable(_("Er zijn nog geen activiteiten gepland."))
    return {"available": True, "items": items}
