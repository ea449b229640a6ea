"""Charts drawn server-side as SVG, used unchanged in the HTML view and in the PDF.

pygal (already locked, maintained by Kozea, the WeasyPrint authors) draws the bar and line charts;
WeasyPrint renders its SVG including the embedded stylesheet. The activity timeline is a small
hand-written SVG because pygal has no Gantt chart.

A chart is drawn into every PDF, so its SVG is kept small for WeasyPrint, which parses the
stylesheet of each SVG and matches it against every node: instead of pygal's three stylesheets
(about 9 KB, 120 rules for hover effects, tooltips, maps and gauges, each prefixed with the chart's
id) it carries ``CHART_CSS``, the two dozen rules our charts use (``no_prefix``); and ``_lean``
drops what only pygal's JavaScript tooltips use (the ``desc`` and per-label ``title`` elements and
the tooltip overlay). Together about 0.08 s CPU less for the four charts of Amsterdam's
gemeentefoto (bench/bench_reports.py). A drawn chart is kept per process for its figures
(``_drawn``): the next version of a report mostly draws the same ones.

Each chart is returned as a ``Chart`` with a ``data:`` URI for an ``<img>`` (allowed by the CSP's
img-src and needing no inline style in the page), a short Dutch ``alt`` text, and the page shows the
same numbers in a table next to it (the accessible alternative).
"""

import base64
import functools
import json
import xml.etree.ElementTree as ET
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

# The rules of pygal's base.css, graph.css and style.css (with STYLE's values) that the charts below
# use; the rest serve interactivity (hover, tooltips) or chart types we do not draw.
_COLOURS = "".join(f".color-{i}{{stroke:{c};fill:{c}}}" for i, c in enumerate(STYLE.colors))
CHART_CSS = (
    f"svg{{font-family:{STYLE.font_family}}}"
    f".background{{fill:{STYLE.background}}}"
    f".graph{{fill:{STYLE.foreground}}}"
    "text{stroke:none}"
    f".title{{font-size:{STYLE.title_font_size}px;text-anchor:middle;fill:{STYLE.foreground_strong}}}"
    f".axis text{{font-size:{STYLE.label_font_size}px}}"
    f".axis text.major{{font-size:{STYLE.major_label_font_size}px;fill:{STYLE.foreground_strong}}}"
    ".axis.x text,.centered{text-anchor:middle}"
    ".axis.y text{text-anchor:end}"
    f".axis .line{{stroke:{STYLE.foreground_strong}}}"
    f".axis .major.line{{stroke:{STYLE.foreground}}}"
    f".axis .guide.line{{fill:none;stroke:{STYLE.guide_stroke_color};"
    f"stroke-dasharray:{STYLE.guide_stroke_dasharray}}}"
    f".axis .major.guide.line{{stroke:{STYLE.major_guide_stroke_color};"
    f"stroke-dasharray:{STYLE.major_guide_stroke_dasharray}}}"
    ".horizontal .axis.y .guide.line,.vertical .axis.x .guide.line{opacity:0}"
    ".horizontal .axis.always_show .guide.line,.vertical .axis.always_show .guide.line{opacity:1}"
    ".nofill{fill:none}"
    f".dot{{stroke-width:1px;fill-opacity:{STYLE.dot_opacity};stroke-opacity:{STYLE.dot_opacity}}}"
    f".reactive{{fill-opacity:{STYLE.opacity};stroke-opacity:{STYLE.stroke_opacity};"
    f"stroke-width:{STYLE.stroke_width}}}"
    f".series text{{fill:{STYLE.foreground_strong}}}"
    f".text-overlay text.value{{font-size:{STYLE.value_font_size}px}}"
    f".legends .legend text{{font-size:{STYLE.legend_font_size}px;fill:{STYLE.foreground}}}"
    + _COLOURS
    + ".text-overlay text{fill:black}"
)
SVG_NS = "http://www.w3.org/2000/svg"


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
        "css": ["inline:" + CHART_CSS],  # instead of pygal's own three stylesheets
        "no_prefix": True,  # rules without the chart's id: the SVG is a document of its own
        "pretty_print": False,
        "disable_xml_declaration": True,
        "show_legend": False,
        "print_values": False,
        "margin": 16,
        "value_formatter": lambda v: number_nl(int(v)) if v is not None else "",
        "truncate_label": -1,
        **kwargs,
    }


def _lean(chart) -> str:
    """The chart's SVG with only ``CHART_CSS`` as its stylesheet, and without what only pygal's
    JavaScript tooltips read: its config script, the ``desc`` elements with each value's data, the
    ``title`` of every axis label and the tooltip overlay. The SVG's own ``title`` (its
    accessible name) stays."""
    root = ET.fromstring(chart.render(is_unicode=True))  # noqa: S314 - pygal's own output
    root.attrib.pop("id", None)  # empty with no_prefix
    for parent in root.iter():
        for child in list(parent):
            tag = child.tag.rpartition("}")[2]
            if tag == "style":
                child.text = CHART_CSS  # without pygal's base.css, always added, read by nothing
            elif (
                tag in ("desc", "script")
                or (tag == "title" and parent is not root)
                or "tooltip-overlay" in child.get("class", "")
            ):
                parent.remove(child)
    # Written as plain SVG with its xmlns, independent of ElementTree's global prefix registry
    # (WeasyPrint's PDF metadata module takes the empty prefix for itself).
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")


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
    return Chart(title, alt, _lean(chart))


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
    return Chart(title, alt, _lean(chart))


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
    return Chart(title, alt, _lean(chart))


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
    return Chart(title, alt, _lean(chart))


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
    return Chart(title, alt, _lean(chart))


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


_DRAWERS = {
    "pupils_years": pupils_over_years,
    "pupils_sectors": pupils_per_sector,
    "weights": weight_bands,
    "budget": budget_per_category,
    "timeline": activity_timeline,
    "closeout_years": closeout_per_year,
}


@functools.lru_cache(maxsize=64)
def _drawn(name: str, data: str) -> Chart | None:
    """A chart drawn from its figures (JSON), kept per process: a new version of a report, or the
    HTML view of one, mostly shows the same figures as the one before (the profile charts change
    once a year), and pygal takes a few milliseconds per chart."""
    return _DRAWERS[name](json.loads(data))


def _chart(name: str, data: list) -> Chart | None:
    return _drawn(name, json.dumps(data, sort_keys=True, default=str))


def charts_for(snapshot: dict) -> dict[str, Chart]:
    """Every chart a snapshot has data for, keyed by name (templates use ``charts.<name>``)."""
    profile = snapshot.get("profile") or {}
    weights = profile.get("weights") or {}
    budget = snapshot.get("budget") or {}
    activities = snapshot.get("activities") or {}
    charts = {
        "pupils_years": _chart("pupils_years", profile.get("years", [])),
        "pupils_sectors": _chart("pupils_sectors", profile.get("sectors", [])),
        "weights": _chart("weights", weights.get("bands", []))
        if weights.get("available")
        else None,
        "budget": _chart("budget", budget.get("categories", []))
        if budget.get("available")
        else None,
        "timeline": _chart("timeline", activities.get("items", []))
        if activities.get("available")
        else None,
        "closeout_years": _chart("closeout_years", snapshot.get("years", []))
        if snapshot.get("kind") == "eindverantwoording"
        else None,
    }
    return {name: chart for name, chart in charts.items() if chart is not None}
