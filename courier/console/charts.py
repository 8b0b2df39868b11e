"""Charts drawn on the server as inline SVG: nothing to load, from a CDN or anywhere else.

No charting package fitted: pygal, the maintained pure-Python SVG library, embeds scripts from
``kozea.github.io`` by default, and the others draw raster images or need JavaScript. These
two shapes cover the console (a line per series over days; horizontal bars), in a few lines.

Readable in both languages (every label is passed in translated, the text is the page's, and
each chart carries its ``<title>`` and a data table beside it) and in print (black on white,
series told apart by dash pattern and marker, not by colour alone).
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 28, 40
# (stroke colour, dash pattern, marker) per series; patterns tell them apart in print.
STYLES = [("#1f4e79", "", "circle"), ("#9c3d00", "6 4", "square"), ("#2e6b30", "2 3", "diamond")]


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if kind == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 4:.1f} L{x + 4:.1f} {y:.1f} L{x:.1f} {y + 4:.1f} '
            f'L{x - 4:.1f} {y:.1f} Z" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'


def line_chart(
    chart_id: str,
    title: str,
    x_labels: list[str],
    series: list[tuple],
    *,
    y_max: float = 100,
    unit: str = "%",
    target: float | None = None,
) -> str:
    """``series``: ``[(label, [value or None per x label])]``; a gap where a value is None."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(x_labels), 1)
    step = plot_w / max(n - 1, 1)

    def xy(i, v):
        return LEFT + i * step, TOP + plot_h - (min(v, y_max) / y_max) * plot_h

    parts = [
        f'<svg id="{escape(chart_id)}" class="console-chart" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
    ]
    for tick in range(0, 5):
        value = y_max * tick / 4
        y = TOP + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ccc"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{value:g}{escape(unit)}</text>'
        )
    if target is not None:
        _x, y = xy(0, target)
        parts.append(
            f'<line class="target" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#000" stroke-dasharray="1 3"/>'
        )
    label_every = max(1, n // 10)
    for i, label in enumerate(x_labels):
        if i % label_every == 0:
            x = LEFT + i * step
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    for s, (label, values) in enumerate(series):
        colour, dash, marker = STYLES[s % len(STYLES)]
        runs, current = [], []
        for i, v in enumerate(values):
            if v is None:
                if current:
                    runs.append(current)
                current = []
            else:
                current.append(xy(i, float(v)))
        if current:
            runs.append(current)
        for run in runs:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
            parts.extend(_marker(marker, x, y, colour) for x, y in run)
        lx = LEFT + s * 180
        parts.append(
            f'<line x1="{lx}" y1="12" x2="{lx + 24}" y2="12" stroke="{colour}" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + f"/>{_marker(marker, lx + 12, 12, colour)}"
            f'<text x="{lx + 30}" y="16">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart(
    chart_id: str, title: str, bars: list[tuple], *, unit: str = "", x_max: float | None = None
) -> str:
    """``bars``: ``[(label, value or None)]``, drawn horizontally, the value written at the end
    of each bar (``—`` when there is nothing to measure)."""
    row_h = 22
    height = TOP + row_h * max(len(bars), 1) + 8
    label_w = 150
    plot_w = WIDTH - label_w - RIGHT - 60
    top = x_max or max([float(v) for _l, v in bars if v is not None] or [1]) or 1
    parts = [
        f'<svg id="{escape(chart_id)}" class="console-chart" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#fff"/>',
    ]
    for i, (label, value) in enumerate(bars):
        y = TOP + i * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
        )
        if value is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 14}">—</text>')
            continue
        w = plot_w * float(value) / top
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="#1f4e79" stroke="#000" stroke-width="0.5"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{escape(f"{value:g}")}'
            f"{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
