"""The report page's charts, drawn by pygal on the server (issue 16 point 4): the figures of a
known fixture in the SVG, titles, axes and legends in Chinese and in English, nothing off-site,
no script (the Content-Security-Policy refuses inline scripts), and printable without one."""

import re

import pytest
from django.test import Client

from courier.console import charts
from tests.console.conftest import NOW, complaint
from tests.console.test_offsite_assets import offsite
from tests.console.test_reports import M, branches, milestone  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
IDS = ("chart-sla-trend", "chart-revisit", "chart-breaches-by-cause", "chart-branches")


def chart(html: str, chart_id: str) -> str:
    """The one inline ``<svg>`` whose id is ``chart_id``."""
    found = re.findall(rf'<svg[^>]*\bid="{chart_id}".*?</svg>', html, re.DOTALL)
    assert len(found) == 1, chart_id
    return found[0]


def texts(svg: str, css_class: str) -> list[str]:
    """The text of every ``<text>``/``<desc>`` of the given class, in document order."""
    return re.findall(rf'<(?:text|desc)[^>]*class="{css_class}"[^>]*>([^<]*)<', svg)


def legends(svg: str) -> list[str]:
    return re.findall(r'<g id="[^"]*-serie-\d+" class="legend[^"]*">.*?<text[^>]*>([^<]*)<', svg)


def page(who, language: str) -> str:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(who.user)
    response = c.get("/reports/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def fixture(branches, clock):  # noqa: F811 - the imported fixture
    """Today: 张客服 (客服部) met one first response; 赵客服 (深圳分公司) met one and was 5
    minutes late on another (cause: damage) — 2 of 3 met (66.7%), 客服部 100%, 深圳 50%."""
    org = branches
    milestone(complaint(org.agent), "response", done_at=NOW - 60 * M)
    milestone(
        complaint(org.sz_agent, category="damage"), "response", done_at=NOW - 9 * M, late_minutes=5
    )
    milestone(complaint(org.sz_agent), "response", done_at=NOW - 8 * M)
    return org


def test_report_charts_show_the_figures_in_english(fixture):
    """RPT-02, RPT-03: in English the SLA trend has its title, axis titles and both clocks'
    legends, and today's (03-10) one value, 66.7%, as its only point; breaches by cause one bar
    of 1; the branch comparison 100% for Customer service and 50% for Shenzhen (the branches'
    English names), no bar for a branch with nothing measured."""
    html = page(fixture.manager, "en")
    sla = chart(html, "chart-sla-trend")
    assert "<title>Complaint SLA met, per day (%)</title>" in sla
    assert texts(sla, "title") == ["Day", "Share (%)"]
    assert legends(sla) == ["First response met", "Solution met"]
    assert texts(sla, "value") == ["66.7%"]
    assert texts(sla, "x_label") == ["03-10"]
    assert texts(sla, "major")[0] == "0%" and texts(sla, "major")[-1] == "03-09"

    revisit = chart(html, "chart-revisit")
    assert legends(revisit) == ["Revisit rate", "Target"]
    assert texts(revisit, "value") == []  # no revisit due; the target is a line, no points
    assert revisit.count('class="line reactive nofill"') == 1

    causes = chart(html, "chart-breaches-by-cause")
    assert "<title>SLA breaches by cause</title>" in causes
    assert texts(causes, "value") == ["1", "1"]  # the point's value and its printed label
    assert texts(causes, "x_label") == ["damage · First response"]

    branch = chart(html, "chart-branches")
    values = dict(zip(texts(branch, "x_label"), texts(branch, "value"), strict=False))
    assert values == {"Shenzhen": "50%", "Customer service": "100%"}
    assert texts(branch, "value")[-2:] == ["50%", "100%"]  # printed at the bars' ends


def test_report_charts_in_chinese(fixture):
    """RPT-02, RPT-03: in Chinese (the default) the titles, axis titles and legends are the
    translations and the branch is 深圳分公司; the text is set in a font stack with Chinese
    glyphs before the generic family."""
    html = page(fixture.manager, "zh-hans")
    sla = chart(html, "chart-sla-trend")
    assert "<title>每日投诉时限达成率(%)</title>" in sla
    assert texts(sla, "title")[0] == "日期"
    assert legends(sla) == ["首次响应达标", "解决方案达标"]
    assert texts(sla, "value") == ["66.7%"]
    assert "<title>超时原因分布</title>" in chart(html, "chart-breaches-by-cause")
    branch = chart(html, "chart-branches")
    assert "<title>各分公司时限达成率(%)</title>" in branch
    values = dict(zip(texts(branch, "x_label"), texts(branch, "value"), strict=False))
    assert values == {"深圳分公司": "50%", "客服部": "100%"}
    assert 'font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC"' in sla
    assert "font-family:" + charts.FONT.replace(", ", ",") in sla


def test_report_charts_load_nothing_and_run_no_script(fixture):
    """RPT-02, RPT-03: the page's four charts are inline SVG with no ``<script>`` (pygal's
    tooltips script from kozea.github.io and its inline configuration removed), no off-site
    URL, no Google font, a unique id each (its CSS scoped to it) and an accessible name; the
    page prints them (a print stylesheet, nothing needing JavaScript)."""
    html = page(fixture.manager, "en")
    assert offsite(html) == []
    assert "<script" not in "".join(chart(html, i) for i in IDS)
    assert "kozea" not in html and "googleapis" not in html and "@import" not in html
    for chart_id in IDS:
        svg = chart(html, chart_id)
        assert svg.startswith(f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" ')
        assert 'class="console-chart" role="img" aria-label="' in svg
        assert f"#{chart_id} .title" in svg  # the chart's style applies to it only
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert "@media print" in html and "print-color-adjust: exact" in html


def test_charts_draw_gaps_and_an_empty_chart():
    """RPT-03: a day with nothing measured is a gap in the line (no point, no value); a bar
    chart with no bar says so in the given words; a count's axis has whole-number ticks."""
    svg = charts.line_chart(
        "chart-x",
        "T",
        ["03-01", "03-02", "03-03", "03-04", "03-05"],
        [("A", [50, 60, None, 75.5, 80])],
    )
    assert texts(svg, "value") == ["50%", "60%", "75.5%", "80%"]
    assert texts(svg, "x_label") == ["03-01", "03-02", "03-04", "03-05"]
    assert svg.count('class="line reactive nofill"') == 2  # two runs, broken at the gap
    empty = charts.bar_chart("chart-y", "T", [], no_data="期间内没有超时。")
    assert "期间内没有超时。" in empty and "<script" not in empty
    counts = charts.bar_chart("chart-z", "T", [("a", 7), ("b", 3)])
    assert texts(counts, "value")[-2:] == ["3", "7"]  # bottom-up: the first bar on top
    ticks = re.findall(r'<text x="[^"]*" y="[^"]*" class="[^"]*">(\d+)<', counts)
    assert ticks == ["0", "2", "4", "6", "8"]
