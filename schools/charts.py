"""A small server-side SVG bar chart of pupil counts (no JavaScript, no inline styles for CSP).

Hand-built rather than pygal: pygal's output relies on inline styles and scripts for its
tooltips, which the Content-Security-Policy blocks; a few rects are simpler. The page shows the
same figures in a table, which is the accessible alternative.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from schools.selectors import PupilYear

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 12, 28


def _nice_max(value: int) -> int:
    if value <= 10:
        return 10
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value  # pragma: no cover


def pupil_chart_svg(history: list[PupilYear], *, title: str) -> SafeString:
    if not history:
        return SafeString("")
    top = _nice_max(max((h.count or 0) for h in history))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(history)
    bar_w = max(slot * 0.7, 1)
    bars, labels = [], []
    label_every = max(1, round(len(history) / 10))
    for i, point in enumerate(history):
        x = LEFT + i * slot + (slot - bar_w) / 2
        value = point.count or 0
        h = plot_h * value / top
        css = "chart__bar chart__bar--suppressed" if point.suppressed else "chart__bar"
        shown = "<5" if point.suppressed else str(value)
        bars.append(
            (
                css,
                f"{x:.1f}",
                f"{TOP + plot_h - h:.1f}",
                f"{bar_w:.1f}",
                f"{h:.1f}",
                f"{point.year}: {shown}",
            )
        )
        if i % label_every == 0 or i == len(history) - 1:
            labels.append((f"{x + bar_w / 2:.1f}", HEIGHT - 8, point.year))
    grid = [(TOP + plot_h - plot_h * f, int(top * f)) for f in (0, 0.5, 1)]
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title" '
        'focusable="false"><title id="chart-title">{title}</title>{grid}{bars}{labels}</svg>',
        w=WIDTH,
        h=HEIGHT,
        title=title,
        grid=format_html_join(
            "",
            '<line class="chart__grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
            '<text class="chart__axis" x="{}" y="{}" text-anchor="end">{}</text>',
            ((LEFT, WIDTH - RIGHT, y, y, LEFT - 6, y + 4, v) for y, v in grid),
        ),
        bars=format_html_join(
            "",
            '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
            bars,
        ),
        labels=format_html_join(
            "",
            '<text class="chart__axis" x="{}" y="{}" text-anchor="middle">{}</text>',
            labels,
        ),
    )
