"""Collect the frozen data a report is built from.

Each section builder reads one part of the municipality's data and returns plain JSON (strings,
ints, lists, dicts; Decimals as strings). A section whose data does not exist (yet) returns
``{"available": False, "missing": "<Dutch sentence>"}`` instead of failing, so a gemeentefoto can
be made on day one and grows as schools, cycles and budgets fill in.

Counts of pupils and schools pass through ``suppress`` here, at collection time, so a small
number never even reaches the stored snapshot.
"""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from municipalities.models import Municipality
from reports.formatting import SUPPRESSED, money_nl, number_nl, share, suppress
from schools.models import PartnerOrganisation, PupilCount, School, SchoolWeight

SNAPSHOT_SCHEMA = 1
PUPIL_YEARS_SHOWN = 10
# School weight bands (CBS schoolweging lies roughly between 20 and 40; national mean ~30).
WEIGHT_BANDS = [
    (None, Decimal("26"), "< 26"),
    (Decimal("26"), Decimal("28"), "26 – 28"),
    (Decimal("28"), Decimal("30"), "28 – 30"),
    (Decimal("30"), Decimal("32"), "30 – 32"),
    (Decimal("32"), Decimal("34"), "32 – 34"),
    (Decimal("34"), Decimal("36"), "34 – 36"),
    (Decimal("36"), None, "≥ 36"),
]

ProgressCallback = Callable[[int, str], None]


def _missing(reason: str) -> dict:
    return {"available": False, "missing": reason}


def _model(label: str):
    """A model of another app, or None while that app has not shipped it yet."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _date(value) -> str:
    return date_format(value, "j F Y") if value else ""


def cycle_period(cycle) -> str:
    if cycle is None:
        return ""
    start, end = cycle.start_date.year, cycle.end_date.year
    return str(start) if start == end else f"{start}–{end}"


# --- Sections ---------------------------------------------------------------------------------


def profile_section(municipality: Municipality) -> dict:
    schools = School.objects.for_municipality(municipality).active()
    per_sector = {
        row["sector"]: row["n"]
        for row in schools.values("sector").annotate(n=Count("id")).order_by()
    }
    total_schools = sum(per_sector.values())

    counts = PupilCount.objects.filter(school__municipality=municipality, school__is_active=True)
    by_year = list(
        counts.values("year")
        .annotate(
            total=Sum("count"),
            locations=Count("id"),
            hidden=Count("id", filter=Q(suppressed=True)),
        )
        .order_by("year")
    )
    latest_year = by_year[-1]["year"] if by_year else None
    pupils_per_sector: dict[str, dict] = {}
    if latest_year:
        for row in (
            counts.filter(year=latest_year)
            .values("school__sector")
            .annotate(
                total=Sum("count"),
                locations=Count("id"),
                hidden=Count("id", filter=Q(suppressed=True)),
            )
            .order_by()
        ):
            pupils_per_sector[row["school__sector"]] = row
    total_pupils = sum((row["total"] or 0) for row in pupils_per_sector.values())

    sectors = []
    for code, label in School.Sector.choices:
        n_schools = per_sector.get(code, 0)
        pupils = pupils_per_sector.get(code)
        if not n_schools and not pupils:
            continue
        sectors.append(
            {
                "code": code,
                "label": str(label),
                "schools": suppress(n_schools),
                "pupils": suppress(pupils["total"]) if pupils else None,
                "pupils_share": share(pupils["total"], total_pupils) if pupils else None,
                "hidden_locations": pupils["hidden"] if pupils else 0,
            }
        )

    years = [
        {
            "year": row["year"],
            "pupils": suppress(row["total"]),
            "hidden_locations": row["hidden"],
        }
        for row in by_year[-PUPIL_YEARS_SHOWN:]
    ]

    return {
        "available": bool(total_schools or by_year),
        "missing": _(
            "Er zijn geen schoolvestigingen of leerlingaantallen bekend voor deze gemeente."
        )
        if not (total_schools or by_year)
        else "",
        "inhabitants": municipality.inhabitants,
        "province": municipality.province,
        "total_schools": suppress(total_schools),
        "total_pupils": suppress(total_pupils) if latest_year else None,
        "pupil_year": latest_year,
        "sectors": sectors,
        "years": years,
        "weights": weights_section(municipality),
    }


def _dec1(value: Decimal, quantum: str = "0.1") -> str:
    """Decimal -> Dutch text with a decimal comma: Decimal("30.46") -> "30,5"."""
    return str(Decimal(value).quantize(Decimal(quantum), rounding=ROUND_HALF_UP)).replace(".", ",")


def weights_section(municipality: Municipality) -> dict:
    rows = SchoolWeight.objects.filter(
        school__municipality=municipality, school__is_active=True, weight__isnull=False
    )
    latest = rows.order_by("-school_year").values_list("school_year", flat=True).first()
    if latest is None:
        return _missing(_("Er zijn geen schoolwegingen bekend voor de scholen in deze gemeente."))
    values = list(rows.filter(school_year=latest).values_list("weight", "spread"))
    weights = sorted(w for w, _s in values)
    spreads = [s for _w, s in values if s is not None]
    bands = []
    for low, high, label in WEIGHT_BANDS:
        n = sum(1 for w in weights if (low is None or w >= low) and (high is None or w < high))
        bands.append({"label": label, "schools": suppress(n)})
    mean = sum(weights) / len(weights)
    return {
        "available": True,
        "school_year": latest,
        "schools": suppress(len(weights)),
        "mean": _dec1(mean),
        "median": _dec1(Decimal(median(weights))),
        # Min and max describe single schools; only shown where there are enough schools.
        "min": _dec1(weights[0]) if len(weights) >= 5 else None,
        "max": _dec1(weights[-1]) if len(weights) >= 5 else None,
        "mean_spread": _dec1(sum(spreads) / len(spreads), "0.01") if spreads else None,
        "bands": bands,
    }


def analyses_section(municipality: Municipality, cycle) -> dict:
    """The received school analyses of the cycle, via the schools app's summary selector."""
    missing = _missing(_("Er zijn nog geen schoolanalyses ontvangen voor deze cyclus."))
    try:
        from analyses.selectors import analysis_summary
    except ImportError:
        return missing
    if cycle is None:
        return missing
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


def partners_section(municipality: Municipality) -> dict:
    partners = list(
        PartnerOrganisation.objects.for_municipality(municipality)
        .active()
        .only("name", "kind")
        .order_by("kind", "name")
    )
    if not partners:
        return _missing(_("Er zijn nog geen partnerorganisaties vastgelegd."))
    kinds = []
    for code, label in PartnerOrganisation.Kind.choices:
        names = [p.name for p in partners if p.kind == code]
        if names:
            kinds.append({"code": code, "label": str(label), "count": len(names), "names": names})
    return {"available": True, "total": len(partners), "kinds": kinds}


def findings_section(municipality: Municipality, cycle) -> dict:
    model = _model("cycles.Finding")
    if model is None or cycle is None:
        return _missing(_("Er zijn nog geen bevindingen uit de fase Duiden vastgelegd."))
    items = [
        {
            "theme": f.theme,
            "domain": f.get_domain_display(),
            "target_group": f.get_target_group_display(),
            "priority": f.get_priority_display() if f.priority else _("Nog niet geprioriteerd"),
            "evidence": f.evidence,
        }
        for f in model.objects.for_municipality(municipality).filter(cycle=cycle)
    ]
    if not items:
        return _missing(_("Er zijn nog geen bevindingen uit de fase Duiden vastgelegd."))
    return {"available": True, "items": items}


def _decimal_text(value, unit: str = "") -> str:
    if value is None:
        return ""
    text = number_nl(int(value)) if value == value.to_integral_value() else number_nl(value)
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit else text


def goals_section(municipality: Municipality, cycle) -> dict:
    model = _model("cycles.Goal")
    if model is None or cycle is None:
        return _missing(_("Er zijn nog geen doelen vastgesteld."))
    goals = (
        model.objects.for_municipality(municipality)
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
            "deadline": _date(g.deadline),
            "category": g.get_spending_category_display() if g.spending_category else "",
            "partners": [p.name for p in g.responsible_partners.all()],
            "interventions": [str(i) for i in g.interventions.all()],
        }
        for g in goals
    ]
    if not items:
        return _missing(_("Er zijn nog geen doelen vastgesteld."))
    return {"available": True, "items": items}


def activities_section(municipality: Municipality, cycle) -> dict:
    model = _model("cycles.Activity")
    if model is None or cycle is None:
        return _missing(_("Er zijn nog geen activiteiten gepland."))
    activities = (
        model.objects.for_municipality(municipality)
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
            "start_display": _date(a.start_date),
            "end_display": _date(a.end_date),
            "status": a.get_status_display(),
        }
        for a in activities
    ]
    if not items:
        return _missing(_("Er zijn nog geen activiteiten gepland."))
    return {"available": True, "items": items}


def budget_section(municipality: Municipality, cycle) -> dict:
    """Budget per spending-goal category and funding stream (from the budgets app when present)."""
    from reports import budget_source

    return budget_source.collect(municipality=municipality, cycle=cycle)


# --- Key figures and changes ----------------------------------------------------------------


def key_figures(snapshot: dict) -> list[dict]:
    """The handful of numbers compared between two versions of the gemeentefoto."""
    profile = snapshot.get("profile", {})
    weights = profile.get("weights", {})
    figures = [
        ("inhabitants", _("Inwoners"), profile.get("inhabitants")),
        ("schools", _("Schoolvestigingen"), profile.get("total_schools")),
        ("pupils", _("Leerlingen (PO, 1 oktober)"), profile.get("total_pupils")),
        ("weight_mean", _("Gemiddelde schoolweging"), weights.get("mean")),
        ("partners", _("Partnerorganisaties"), snapshot.get("partners", {}).get("total")),
        ("findings", _("Bevindingen"), len(snapshot.get("findings", {}).get("items", []))),
        ("goals", _("Doelen"), len(snapshot.get("goals", {}).get("items", []))),
        ("budget", _("Begroot budget"), snapshot.get("budget", {}).get("total_planned")),
    ]
    return [{"key": k, "label": str(label), "value": v} for k, label, v in figures]


def _as_number(value):
    if value is None or value == SUPPRESSED:
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except ArithmeticError:
        return None


def changes_since(previous: dict | None, current: dict) -> dict | None:
    """Compare the key figures with the previous gemeentefoto's snapshot."""
    if not previous:
        return None
    before = {f["key"]: f["value"] for f in previous.get("key_figures", [])}
    rows = []
    for figure in current["key_figures"]:
        old, new = before.get(figure["key"]), figure["value"]
        if old == new:
            continue
        a, b = _as_number(old), _as_number(new)
        direction = ""
        if a is not None and b is not None:
            direction = "up" if b > a else "down"
        display = money_nl if figure["key"] == "budget" else number_nl
        rows.append(
            {
                "label": figure["label"],
                "before": display(old),
                "after": display(new),
                "direction": direction,
            }
        )
    return {
        "previous_version": previous.get("version"),
        "previous_date": previous.get("generated_at_display", ""),
        "rows": rows,
    }


# --- Whole snapshots --------------------------------------------------------------------------


def _base(job, title: str) -> dict:
    now = timezone.now()
    municipality = job.municipality
    cycle = job.cycle
    return {
        "schema": SNAPSHOT_SCHEMA,
        "kind": job.kind,
        "title": title,
        "version": job.version,
        "generated_at": now.isoformat(),
        "generated_at_display": date_format(timezone.localtime(now), "j F Y, H:i"),
        "requested_by": str(job.requested_by) if job.requested_by else "",
        "municipality": {
            "name": municipality.name,
            "cbs_code": municipality.cbs_code,
            "province": municipality.province,
            "slug": municipality.slug,
        },
        "cycle": {
            "title": cycle.title,
            "period": cycle_period(cycle),
            "start": _date(cycle.start_date),
            "end": _date(cycle.end_date),
            "phase": cycle.get_phase_display(),
        }
        if cycle
        else None,
    }


def gemeentefoto_collect(job, progress: ProgressCallback, previous: dict | None) -> dict:
    with override("nl"):
        municipality, cycle = job.municipality, job.cycle
        snap = _base(job, _("Gemeentefoto %(name)s") % {"name": municipality.name})
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


def plan_collect(job, progress: ProgressCallback, gemeentefoto: dict | None) -> dict:
    with override("nl"):
        municipality, cycle = job.municipality, job.cycle
        period = cycle_period(cycle) or str(timezone.localdate().year)
        snap = _base(
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
        lines.append(
            _(
                "In %(name)s staan %(schools)s schoolvestigingen met samen %(pupils)s leerlingen "
                "in het primair onderwijs (teldatum 1 oktober %(year)s)."
            )
            % {
                "name": name,
                "schools": number_nl(profile.get("total_schools")),
                "pupils": number_nl(profile.get("total_pupils")),
                "year": profile.get("pupil_year") or "–",
            }
        )
    findings = snap.get("findings", {}).get("items", [])
    goals = snap.get("goals", {}).get("items", [])
    activities = snap.get("activities", {}).get("items", [])
    if findings:
        lines.append(
            _("Samen met scholen en partners zijn %(n)s bevindingen geduid.") % {"n": len(findings)}
        )
    if goals:
        lines.append(
            _("Dit plan stelt %(n)s doelen, uitgewerkt in %(a)s activiteiten.")
            % {"n": len(goals), "a": len(activities)}
        )
    budget = snap.get("budget", {})
    if budget.get("available") and budget.get("total_planned"):
        lines.append(
            _("Er is %(amount)s begroot over %(streams)s financieringsstromen.")
            % {
                "amount": money_nl(budget["total_planned"]),
                "streams": len(budget.get("streams", [])),
            }
        )
    return lines


def monitoring_section(cycle, snap: dict) -> dict:
    goals = snap.get("goals", {}).get("items", [])
    return {
        "goals_with_indicator": sum(1 for g in goals if g.get("indicator")),
        "goals_total": len(goals),
        "lessons": cycle.previous_lessons if cycle is not None else "",
    }
