"""Charts drawn server-side as SVG, used unchanged in the HTML view and in the PDF.

pygal (already locked, maintained by Kozea, the WeasyPrint authors) draws the bar and line charts;
WeasyPrint renders its SVG including the embedded stylesheet. The activity timeline is a small
hand-written SVG because pygal has no Gantt chart.

Each chart is returned as a ``Chart`` with a ``data:`` URI for an ``<img>`` (allowed by the CSP's
img-src and needing no inline style in the page), a short Dutch ``alt`` text, and the page shows the
same numbers in a table next to it (the accessible alternative).
"""

import base64
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

import pygal
from pygal.style import Style

from core.money import format_money
from reports.formatting import SUPPRESSED, number_nl

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#6b6b6b",
    font_family="DejaVu Sans",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    value_label_font_size=12,
    legend_font_size=13,
    title_font_size=16,
    tooltip_font_size=12,
    colors=("#154273", "#e17000", "#39870c", "#94710a", "#5b8bbf", "#a90061", "#007bc7"),
)
WIDTH, HEIGHT = 800, 360


@dataclass(frozen=True)
class Chart:
    title: str
    alt: str
    svg: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _config(**kwargs) -> dict:
    return {
        "style": STYLE,
        "width": WIDTH,
        "height": HEIGHT,
        "js": [],  # no scripts fetched from the internet
        "disable_xml_declaration": True,
        "show_legend": False,
        "print_values": False,
        "margin": 16,
        "value_formatter": lambda v: number_nl(int(v)) if v is not None else "",
        "truncate_label": -1,
        **kwargs,
    }


def _num(value) -> int | None:
    """Suppressed ("<5") and missing values are not drawn."""
    if value is None or value == SUPPRESSED:
        return None
    return int(value)


def pupils_over_years(years: list[dict]) -> Chart | None:
    points = [(row["year"], _num(row["pupils"])) for row in years]
    if len([v for _y, v in points if v is not None]) < 2:
        return None
    title = "Leerlingen in het primair onderwijs per jaar (1 oktober)"
    chart = pygal.Line(
        **_config(title=title, dots_size=4, show_y_guides=True, fill=False, include_x_axis=True)
    )
    chart.x_labels = [str(y) for y, _v in points]
    chart.add("Leerlingen", [v for _y, v in points])
    first, last = points[0], points[-1]
    alt = (
        f"Lijngrafiek: het aantal leerlingen ging van {number_nl(first[1])} in {first[0]} "
        f"naar {number_nl(last[1])} in {last[0]}. De cijfers staan ook in de tabel."
    )
    return Chart(title, alt, chart.render(is_unicode=True))


def pupils_per_sector(sectors: list[dict]) -> Chart | None:
    rows = [(s["label"], _num(s["pupils"])) for s in sectors if _num(s["pupils"])]
    if not rows:
        return None
    title = "Leerlingen per sector"
    chart = pygal.HorizontalBar(
        **_config(
            title=title,
            print_values=True,
            show_y_labels=True,
            show_x_labels=False,
            height=120 + 50 * len(rows),
        )
    )
    chart.x_labels = [label for label, _v in rows]
    chart.add("Leerlingen", [v for _l, v in rows])
    alt = "Staafdiagram van het aantal leerlingen per sector: " + "; ".join(
        f"{label} {number_nl(v)}" for label, v in rows
    )
    return Chart(title, alt, chart.render(is_unicode=True))


def weight_bands(bands: list[dict]) -> Chart | None:
    values = [_num(b["schools"]) for b in bands]
    if not any(values):
        return None
    title = "Aantal scholen per schoolweging"
    chart = pygal.Bar(**_config(title=title, print_values=True, x_title="Schoolweging"))
    chart.x_labels = [b["label"] for b in bands]
    chart.add("Scholen", values)
    alt = "Staafdiagram van de spreiding van de schoolwegingen: " + "; ".join(
        f"{b['label']}: {b['schools']}" for b in bands
    )
    return Chart(title, alt, chart.render(is_unicode=True))


def budget_per_category(categories: list[dict]) -> Chart | None:
    from decimal import Decimal

    rows = [(c["label"], Decimal(c["planned"])) for c in categories if c.get("planned")]
    rows = [(label, amount) for label, amount in rows if amount > 0]
    if not rows:
        return None
    title = "Begroot budget per bestedingsdoel (euro)"
    chart = pygal.HorizontalBar(
        **_config(
            title=title,
            print_values=True,
            show_y_labels=True,
            show_x_labels=False,
            height=120 + 55 * len(rows),
            value_formatter=lambda v: format_money(int(v)),
        )
    )
    chart.x_labels = [label if len(label) < 48 else label[:46] + "…" for label, _a in rows]
    # pygal plots floats; display only. Each bar's label is the exact amount, as in the table.
    chart.add(
        "Begroot",
        [
            {"value": int(amount), "formatter": lambda _v, amount=amount: format_money(amount)}
            for _l, amount in rows
        ],
    )
    alt = "Staafdiagram van het begrote budget per bestedingsdoel; de bedragen staan in de tabel."
    return Chart(title, alt, chart.render(is_unicode=True))


def closeout_per_year(years: list[dict]) -> Chart | None:
    """Stacked bars per calendar year: eligible and not eligible spending (final accounting)."""
    from decimal import Decimal

    rows = [(str(y["year"]), Decimal(y["eligible"]), Decimal(y["ineligible"])) for y in years]
    if not any(e or i for _y, e, i in rows):
        return None
    title = "Besteding per kalenderjaar: subsidiabel en niet subsidiabel (euro)"
    # An explicit range: pygal's own stops at the last round grid line below the highest bar.
    top = max(max(e, 0) + max(i, 0) for _y, e, i in rows)
    bottom = min(min(e, 0) + min(i, 0) for _y, e, i in rows)
    chart = pygal.StackedBar(
        **_config(
            title=title,
            range=(int(bottom), int(top * Decimal("1.1")) + 1),
            show_legend=True,
            legend_at_bottom=True,
            show_y_guides=True,
            value_formatter=lambda v: format_money(int(v)),
        )
    )
    chart.x_labels = [year for year, _e, _i in rows]
    # pygal plots floats; display only. The exact amounts are in the table below the chart.
    chart.add("Subsidiabel", [int(e) for _y, e, _i in rows])
    chart.add("Niet subsidiabel", [int(i) for _y, _e, i in rows])
    alt = (
        "Gestapeld staafdiagram van de besteding per kalenderjaar, subsidiabel en niet "
        "subsidiabel: "
        + "; ".join(
            f"{year}: {format_money(e)} subsidiabel, {format_money(i)} niet" for year, e, i in rows
        )
        + ". De bedragen staan ook in de tabel."
    )
    return Chart(title, alt, chart.render(is_unicode=True))


def activity_timeline(activities: list[dict]) -> Chart | None:
    """A Gantt-style timeline of the activities that have a start and end date."""
    rows = [a for a in activities if a.get("start") and a.get("end")]
    if not rows:
        return None
    rows = rows[:30]
    starts = [date.fromisoformat(a["start"]) for a in rows]
    ends = [date.fromisoformat(a["end"]) for a in rows]
    first = date(min(starts).year, 1, 1)
    last = date(max(ends).year + 1, 1, 1)
    span = (last - first).days or 1
    label_w, width, row_h, top = 300, WIDTH, 26, 44
    plot_w = width - label_w - 16
    height = top + row_h * len(rows) + 12

    def x(d: date) -> float:
        return label_w + plot_w * (d - first).days / span

    title = "Tijdlijn van de activiteiten"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="tl-title">',
        f'<title id="tl-title">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for year in range(first.year, last.year + 1):
        gx = x(date(year, 1, 1))
        parts.append(
            f'<line x1="{gx:.1f}" y1="{top - 14}" x2="{gx:.1f}" y2="{height - 6}" '
            f'stroke="#b4b4b4" stroke-width="1"/>'
        )
        if year < last.year:
            parts.append(
                f'<text x="{gx + 4:.1f}" y="{top - 20}" font-family="DejaVu Sans" '
                f'font-size="13" fill="#1a1a1a">{year}</text>'
            )
    for i, (a, s, e) in enumerate(zip(rows, starts, ends, strict=True)):
        y = top + i * row_h
        label = a["title"] if len(a["title"]) <= 38 else a["title"][:37] + "…"
        parts.append(
            f'<text x="4" y="{y + 17}" font-family="DejaVu Sans" font-size="12" '
            f'fill="#1a1a1a">{escape(label)}</text>'
        )
        x1, x2 = x(s), max(x(e), x(s) + 3)
        parts.append(
            f'<rect x="{x1:.1f}" y="{y + 5}" width="{x2 - x1:.1f}" height="{row_h - 10}" '
            f'rx="3" fill="#154273"/>'
        )
    parts.append("</svg>")
    alt = (
        f"Tijdlijn met {len(rows)} activiteiten tussen {first.year} en {last.year - 1}; "
        "de begin- en einddata staan in de tabel."
    )
    return Chart(title, alt, "".join(parts))


def charts_for(snapshot: dict) -> dict[str, Chart]:
    """Every chart a snapshot has data for, keyed by name (templates use ``charts.<name>``)."""
    profile = snapshot.get("profile") or {}
    weights = profile.get("weights") or {}
    budget = snapshot.get("budget") or {}
    activities = snapshot.get("activities") or {}
    charts = {
        "pupils_years": pupils_over_years(profile.get("years", [])),
        "pupils_sectors": pupils_per_sector(profile.get("sectors", [])),
        "weights": weight_bands(weights.get("bands", [])) if weights.get("available") else None,
        "budget": budget_per_category(budget.get("categories", []))
        if budget.get("available")
        else None,
        "timeline": activity_timeline(activities.get("items", []))
        if activities.get("available")
        else None,
        "closeout_years": closeout_per_year(snapshot.get("years", []))
        if snapshot.get("kind") == "eindverantwoording"
        else None,
    }
    return {name: chart for name, chart in charts.items() if chart is not None}
