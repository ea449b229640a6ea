"""The key figures of a snapshot, and how they changed since the previous gemeentefoto."""

from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import format_money
from reports.formatting import SUPPRESSED, number_nl


def key_figures(snapshot: dict) -> list[dict]:
    """The handful of numbers compared between two versions of the gemeentefoto."""
    profile = snapshot.get("profile", {})
    weights = profile.get("weights", {})
    year = profile.get("pupil_year")
    pupils_label = (
        _("Leerlingen (PO, DUO, 1 okt. %(year)s)") % {"year": year}
        if year
        else _("Leerlingen (PO, 1 oktober)")
    )
    figures = [
        ("inhabitants", _("Inwoners"), profile.get("inhabitants")),
        ("schools", _("Schoolvestigingen"), profile.get("total_schools")),
        ("pupils", pupils_label, profile.get("total_pupils")),
        ("weight_mean", _("Gemiddelde schoolweging"), weights.get("mean")),
        ("partners", _("Partnerorganisaties"), snapshot.get("partners", {}).get("total")),
        ("findings", _("Bevindingen"), len(snapshot.get("findings", {}).get("items", []))),
        ("goals", _("Doelen"), len(snapshot.get("goals", {}).get("items", []))),
        ("budget", _("Begroot budget"), snapshot.get("budget", {}).get("total_planned")),
    ]
    return [{"key": k, "label": str(label), "value": v} for k, label, v in figures]


def _money(value) -> str:
    return format_money(value) or "–"  # a dash for "no figure", as number_nl shows it


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
        display = _money if figure["key"] == "budget" else number_nl
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
