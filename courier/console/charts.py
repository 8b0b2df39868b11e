"""The console's charts, drawn on the server by pygal (a maintained charting library, installed
from PyPI and pinned in ``uv.lock``) as SVG inlined in the page: nothing to load, from a CDN or
from anywhere else, and nothing that needs JavaScript to show or to print.

pygal's defaults reach off-site: a ``<script>`` from ``kozea.github.io`` (its tooltips) and, for
a ``googlefont:`` family, a stylesheet from Google's fonts. Here ``js=[]`` drops the first, the
fonts are the system's (no ``googlefont:``), and an XML filter removes the one inline start-up
script pygal still writes (the Content-Security-Policy refuses inline scripts; the charts need
none). pygal's own inline ``<style>`` stays, prefixed by the chart's id so that it styles that
chart only.

Readable in both languages: every title, axis title, legend and label is passed in translated;
the text is set in a font stack that has Chinese glyphs (Noto/Source Han, PingFang, YaHei,
WenQuanYi) before the generic ``sans-serif``, so a system without the first ones falls back to
whatever CJK font it has. Readable in print: black text on white, each line series told apart by
its dash pattern as well as its colour, bar values printed at the end of each bar, and each
chart carries its ``<title>`` (and the page a data table beside it).
"""

from __future__ import annotations

import math
import re

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style

WIDTH = 640
FONT = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", sans-serif'
)
STYLE = Style(
    background="#fff",
    plot_background="#fff",
    foreground="#000",
    foreground_strong="#000",
    foreground_subtle="#666",
    colors=("#1f4e79", "#9c3d00", "#2e6b30", "#000"),
    font_family=FONT,
    title_font_size=14,
    legend_font_size=12,
    label_font_size=11,
    major_label_font_size=11,
    value_font_size=11,
    tooltip_font_size=11,
    no_data_font_size=14,
    opacity="1",
    opacity_hover="1",
    stroke_opacity="1",
    stroke_opacity_hover="1",
    stroke_width="2",
    stroke_width_hover="2",
    transition="0ms",
    guide_stroke_color="#bbb",
    major_guide_stroke_color="#999",
)
# Bars lighter, so that a value printed over a bar's end stays legible (on screen and paper).
BAR_STYLE = Style(**{**STYLE.__dict__, "colors": ("#9ebfe0",)})
# Per line series, in order: a solid, a dashed and a dotted stroke (told apart in print).
DASHES = (None, "6,4", "2,3")
_UUID_ID = re.compile(r'id="(chart-[0-9a-f]{8}-[0-9a-f-]{27})"')


def _tag(element) -> str:
    return str(element.tag).rsplit("}", 1)[-1]


def _clean(root):
    """pygal's XML filter: remove every ``<script>`` (its inline configuration) and the axis
    guides' hover titles (on horizontal bars they show the label's position, not a value)."""
    for parent in list(root.iter()):
        guides = _tag(parent) == "g" and "guides" in (parent.get("class") or "").split()
        for child in list(parent):
            if _tag(child) == "script" or (guides and _tag(child) == "title"):
                parent.remove(child)
    return root


def _wide(text: str) -> int:
    """The CJK characters of ``text``: pygal measures every character as a narrow one."""
    return sum(1 for ch in text if ord(ch) >= 0x2E80)


def _config(title: str, height: int, **options) -> dict:
    return {
        "title": title,
        "style": STYLE,
        "js": [],  # no kozea.github.io script
        "disable_xml_declaration": True,
        "explicit_size": False,  # the viewBox only: the page's CSS sizes it
        "width": WIDTH,
        "height": height,
        "legend_at_bottom": True,
        "truncate_legend": -1,
        "truncate_label": -1,
        "margin": 12,
        "classes": ("console-chart",),
        **options,
    }


def _render(chart, chart_id: str, title: str) -> str:
    chart.add_xml_filter(_clean)
    svg = chart.render(is_unicode=True)
    generated = _UUID_ID.search(svg).group(1)
    svg = svg.replace(generated, chart_id)
    # The legends' ids (``activate-serie-N``) would repeat across the page's charts.
    svg = svg.replace('id="activate-serie-', f'id="{chart_id}-serie-')
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    label = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace(
        'class="console-chart"', f'class="console-chart" role="img" aria-label="{label}"', 1
    )
    return mark_safe(svg)  # noqa: S308 - pygal escapes every text it writes (etree)


def _number(value: float) -> str:
    return f"{value:g}"


def line_chart(
    chart_id: str,
    title: str,
    x_labels: list[str],
    series: list[tuple],
    *,
    y_max: float = 100,
    unit: str = "%",
    target: tuple[str, float] | None = None,
    x_title: str = "",
    y_title: str = "",
) -> str:
    """``series``: ``[(label, [value or None per x label])]``; a gap where a value is None.
    ``target``: ``(label, value)`` drawn as a thin dotted line across the chart."""
    chart = pygal.Line(
        **_config(
            title,
            300,
            x_labels=x_labels,
            range=(0, y_max),
            value_formatter=lambda v: f"{_number(v)}{unit}",
            allow_interruptions=True,
            x_title=x_title,
            y_title=y_title,
            dots_size=3,
            show_minor_x_labels=len(x_labels) <= 10,
            x_labels_major_every=max(1, len(x_labels) // 7),
        )
    )
    for i, (label, values) in enumerate(series):
        dash = DASHES[i % len(DASHES)]
        stroke = {"width": 2, **({"dasharray": dash} if dash else {})}
        chart.add(label, [None if v is None else float(v) for v in values], stroke_style=stroke)
    if target is not None:
        label, value = target
        chart.add(
            label,
            [float(value)] * len(x_labels),
            show_dots=False,
            stroke_style={"width": 1, "dasharray": "1,3"},
        )
    return _render(chart, chart_id, title)


def bar_chart(
    chart_id: str,
    title: str,
    bars: list[tuple],
    *,
    unit: str = "",
    x_max: float | None = None,
    series_title: str = "",
    no_data: str = "",
) -> str:
    """``bars``: ``[(label, value or None)]``, drawn horizontally, top to bottom in the given
    order, each value printed at the end of its bar (none where there is nothing to measure)."""
    # pygal's horizontal bars run bottom-up: reversed, the first bar is on top.
    bars = list(reversed(bars))
    top = x_max or max([float(v) for _l, v in bars if v is not None] or [1]) or 1
    if x_max is None and bars:  # counts: whole-number ticks
        step = max(1, math.ceil(top / 5))
        top = step * math.ceil(top / step)
        ticks = {"y_labels": list(range(0, int(top) + 1, step))}
    else:
        ticks = {}
    chart = pygal.HorizontalBar(
        **_config(
            title,
            90 + 26 * max(len(bars), 1),
            x_labels=[label for label, _v in bars],
            range=(0, top),
            value_formatter=lambda v: f"{_number(v)}{unit}",
            print_values=True,
            print_values_position="top",
            show_legend=False,
            style=BAR_STYLE,
            # Room for Chinese labels, which pygal takes for half their width.
            margin_left=12 + 6 * max([_wide(label) for label, _v in bars] or [0]),
            no_data_text=no_data,
            **ticks,
        )
    )
    if bars:
        chart.add(series_title or title, [None if v is None else float(v) for _l, v in bars])
    return _render(chart, chart_id, title)
