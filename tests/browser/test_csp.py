"""PLT-08 (issue 12's leftover): the Content-Security-Policy (only the site itself, no inline
script) breaks nothing a person uses. Chromium reports every refused script, style, image or
connection as a console error, and the page guard (conftest) also records each
``securitypolicyviolation`` event; each role's main pages, with their scripts exercised, must
show none."""

import pytest

from courier.shipments.models import Shipment

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI);
});
"""


def visit(page, path: str) -> None:
    page.add_init_script(REPORT_VIOLATIONS)
    response = page.goto(path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        (
            "admin",
            [
                "/admin/",
                "/admin/complaints/complaint/",
                "/admin/complaints/complaint/add/",
                "/admin/auth/user/1/change/",
                "/admin/auth/group/add/",
                "/admin/django_celery_beat/periodictask/1/change/",
                "/admin/courier/shipment/",
                "/admin/courier/reportrun/run/",
                "/api/v1/docs/",
            ],
        ),
        ("agent", ["/", "/staff/", "/staff/swaps/new/", "/staff/leave/new/", "/scoring/me/"]),
        ("supervisor", ["/", "/staff/approvals/", "/scoring/board/"]),
        ("manager", ["/", "/reports/", "/admin/complaints/complaintclaim/"]),
        ("finance", ["/admin/courier/statement/"]),
        (None, ["/track/", "/admin/login/"]),
    ],
)
def test_main_pages_run_under_the_policy(open_as, role, paths):
    """PLT-08: each role's main pages (admin forms with their calendar, filter and
    autocomplete scripts, the console and its report page's pygal charts, the staff pages,
    Swagger UI, the public lookup) load with
    no CSP violation, console error or off-site request."""
    page = open_as(role)
    for path in paths:
        visit(page, path)


def test_scripts_still_work_under_the_policy(open_as, shot):
    """PLT-08: the static scripts that replaced inline handlers work: the admin calendar's
    "today" shortcut fills the date, the language switch submits itself, the waybill's print
    button calls the browser's print."""
    page = open_as("agent")
    visit(page, "/admin/complaints/complaint/add/")
    page.fill("#id_received_at_0", "")
    page.click(".datetimeshortcuts a:first-child")  # 今天 / Today
    assert page.input_value("#id_received_at_0") != ""

    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    printer = open_as("printing")
    shipment = Shipment.objects.order_by("pk").first()
    visit(printer, f"/admin/courier/shipment/{shipment.pk}/print/")
    printer.evaluate("window.print = () => { window.__printed = true; }")
    printer.click("[data-print]")
    assert printer.evaluate("window.__printed") is True
    shot(printer)
