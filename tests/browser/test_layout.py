"""PLT-11: layout defects a newcomer met on the first morning (issue 17.4), measured in Chromium:
the English complaint page's buttons overlapping its title, the approvals page's barely readable
"pass" and unstyled buttons, and the waybill label's barcode and QR code actually drawn."""

from __future__ import annotations

import pytest

from complaints.models import Complaint
from courier.shipments.models import Shipment

pytestmark = pytest.mark.browser

# The WCAG relative luminance contrast of an element's text against its own background.
CONTRAST = """
(el) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const style = getComputedStyle(el);
  const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def english(page, demo_url: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": demo_url}])


def overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_complaint_buttons_do_not_cover_the_title_in_english(open_as, demo, shot):
    """PLT-11: on the English complaint page every button of the header row lies clear of
    the title (Django's floating object tools with a negative margin overlapped it)."""
    page = open_as("agent")
    english(page, demo.url)
    complaint = Complaint.objects.order_by("pk").first()
    page.goto(f"/admin/complaints/complaint/{complaint.pk}/change/")
    assert page.locator("html").get_attribute("lang") == "en"
    title = page.locator("#content > h1").bounding_box()
    buttons = page.locator(".object-tools li")
    assert buttons.count() >= 2
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert not overlaps(title, box), (i, title, box)
    shot(page)


def test_approvals_results_readable_and_buttons_styled(open_as, shot):
    """PLT-11: each rule's "pass" reads at a contrast of at least 4.5:1 (WCAG AA) and the
    Approve and Reject buttons are styled as buttons (filled, padded), Reject in the delete
    colour."""
    page = open_as("supervisor")
    page.goto("/staff/approvals/")
    passed = page.locator(".rule-pass").first
    assert passed.evaluate(CONTRAST) >= 4.5
    approve = page.locator("button[value=approve]").first
    reject = page.locator("button[value=reject]").first
    for button in (approve, reject):
        style = button.evaluate(
            "(el) => { const s = getComputedStyle(el);"
            " return [s.backgroundColor, s.color, parseFloat(s.paddingLeft)]; }"
        )
        assert style[0] not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)"), style
        assert style[2] >= 10, style
        assert button.evaluate(CONTRAST) >= 4.5
    assert approve.evaluate("(el) => getComputedStyle(el).backgroundColor") != reject.evaluate(
        "(el) => getComputedStyle(el).backgroundColor"
    )
    shot(page)


def test_waybill_label_draws_barcode_and_qr(open_as, shot):
    """PLT-11: the label's Code 128 barcode and QR code are drawn (visible, sized), the
    number printed under the bars; printing from the page records it as printed."""
    page = open_as("printing")
    shipment = Shipment.objects.filter(state="created").order_by("pk").first()
    page.goto(f"/admin/courier/shipment/{shipment.pk}/print/")
    bars = page.locator("svg.code128").bounding_box()
    qr = page.locator("svg.qr").bounding_box()
    assert bars["width"] > 100 and bars["height"] > 40, bars
    assert qr["width"] >= 50 and qr["width"] == qr["height"], qr
    assert page.locator(".barcode .number").inner_text() == shipment.waybill_number
    page.add_init_script("window.print = () => { window.__printed = true; }")
    with page.expect_navigation():
        page.click("#mark-printed")
    assert page.evaluate("window.__printed") is True
    shipment.refresh_from_db()
    assert (shipment.state, shipment.print_count) == ("printed", 1)
    shot(page)
