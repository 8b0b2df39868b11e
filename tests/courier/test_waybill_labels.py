"""Waybill labels (issue 17.4): a Code 128 barcode and a QR code of the waybill number, printing
records the shipment as printed through the service, and a bulk print from the shipment list."""

import re

import barcode
import pytest
from django.contrib.messages import get_messages

from courier.shipments.admin.shipments import ShipmentAdmin
from courier.shipments.labels import CODE128_OPTIONS, code128_svg
from courier.shipments.models import Shipment
from courier.shipments.services import printing
from tests.courier.factories import ShipmentFactory, intake, role_user

pytestmark = pytest.mark.django_db

RECT = re.compile(r'<rect x="([\d.]+)mm" y="[\d.]+mm" width="([\d.]+)mm"')


def bars_of(svg: str) -> str:
    """The module pattern drawn by a Code 128 SVG (1 = black module), read back from its
    rectangles: what a scanner would see, as the symbology's modules."""
    module = CODE128_OPTIONS["module_width"]
    quiet = CODE128_OPTIONS["quiet_zone"]
    cells: list[str] = []
    for x, width in RECT.findall(svg):
        start = round((float(x) - quiet) / module)
        cells.extend("0" * (start - len(cells)))
        cells.extend("1" * round(float(width) / module))
    return "".join(cells).rstrip("0")


def print_url(shipment) -> str:
    return f"/admin/courier/shipment/{shipment.pk}/print/"


def test_code128_svg_draws_exactly_the_waybill_number():
    """SHP-02: the barcode's bars are Code 128 of the waybill number (another number's bars
    differ), inline SVG without the XML prolog."""
    svg = code128_svg("880000000017")
    assert svg.startswith('<svg class="code128"') and "<?xml" not in svg
    assert bars_of(svg) == barcode.Code128("880000000017").build()[0].rstrip("0")
    assert bars_of(svg) != barcode.Code128("880000000018").build()[0].rstrip("0")


def test_label_shows_barcode_qr_and_the_number(client):
    """SHP-02: the print page carries the Code 128 SVG of the number, the QR code and the
    number in text; a GET records nothing."""
    shipment = intake().shipment
    client.force_login(role_user("printing"))
    html = client.get(print_url(shipment)).content.decode()
    barcode_svg = re.search(r'<svg class="code128".*?</svg>', html, re.DOTALL).group(0)
    assert bars_of(barcode_svg) == barcode.Code128(shipment.waybill_number).build()[0].rstrip("0")
    assert html.count('class="qr"') == 1
    assert f'<div class="number">{shipment.waybill_number}</div>' in html
    assert 'id="mark-printed"' in html and "data-autoprint" not in html
    shipment.refresh_from_db()
    assert (shipment.state, shipment.print_count, shipment.printed_at) == ("created", 0, None)


def test_printing_records_the_shipment_printed_once(client):
    """SHP-02: the page's button records the print (created → printed, count 1, printed_at,
    history) and comes back printing itself; a second print of the same label changes
    nothing."""
    shipment = intake().shipment
    printer = role_user("printing")
    client.force_login(printer)
    client.cookies["django_language"] = "en"
    response = client.post(print_url(shipment))
    assert response.status_code == 302
    assert response["Location"] == print_url(shipment) + "?print=1"
    shipment.refresh_from_db()
    assert (shipment.state, shipment.print_count) == ("printed", 1)
    assert shipment.printed_at is not None
    last = shipment.history.first()
    assert (last.history_user_id, last.history_change_reason) == (printer.pk, "printed")
    page = client.get(response["Location"]).content.decode()
    assert "data-autoprint" in page
    assert f"Waybill {shipment.waybill_number} recorded as printed." in page
    first_printed_at = shipment.printed_at
    client.post(print_url(shipment))
    shipment.refresh_from_db()
    assert (shipment.state, shipment.print_count, shipment.printed_at) == (
        "printed",
        1,
        first_printed_at,
    )


def test_a_modified_label_is_reprinted_and_others_refused():
    """SHP-06: a label waiting for its re-print is re-printed (count 2, flag cleared); a
    shipment that has left the desk is refused; a role without the print permission too."""
    printer = role_user("printing")
    shipment = ShipmentFactory(state="packed", print_count=1, needs_reprint=True)
    result = printing.shipment_print_record(shipment, user=printer)
    shipment.refresh_from_db()
    assert result.outcome == printing.REPRINTED
    assert (shipment.state, shipment.print_count, shipment.needs_reprint) == ("packed", 2, False)
    gone = ShipmentFactory(state="in_transit")
    with pytest.raises(printing.StateConflict):
        printing.shipment_print_record(gone, user=printer)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        printing.shipment_print_record(intake().shipment, user=role_user("agent"))


def test_agent_sees_the_label_but_cannot_mark_it(client):
    """SHP-02: an agent may view the (masked) label; the button is not offered and a POST is
    refused (403) without a change."""
    shipment = intake().shipment
    client.force_login(role_user("agent"))
    assert 'id="mark-printed"' not in client.get(print_url(shipment)).content.decode()
    assert client.post(print_url(shipment)).status_code == 403
    shipment.refresh_from_db()
    assert shipment.state == "created"


def _bulk(client, shipments):
    return client.post(
        "/admin/courier/shipment/",
        {"action": "print_waybills", "_selected_action": [s.pk for s in shipments], "index": 0},
    )


def test_bulk_print_one_label_per_shipment_each_recorded(client):
    """SHP-02: the changelist's "print waybills" renders one label per selected shipment on one
    page (a page break between labels) and records each printed; one that has left the desk is
    left out with its reason."""
    first = intake().shipment
    fresh = [first, intake(partner=first.partner).shipment]
    gone = ShipmentFactory(state="delivered")
    client.force_login(role_user("printing"))
    response = _bulk(client, [*fresh, gone])
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'data-waybill="(\d+)"', html) == sorted(
        [s.waybill_number for s in fresh], key=lambda n: Shipment.objects.get(waybill_number=n).pk
    )
    assert html.count('<svg class="code128"') == 2 and "data-autoprint" in html
    assert f"{gone.waybill_number}: " in html
    assert [
        (s.state, s.print_count) for s in Shipment.objects.filter(pk__in=[f.pk for f in fresh])
    ] == [("printed", 1), ("printed", 1)]
    gone.refresh_from_db()
    assert (gone.state, gone.print_count) == ("delivered", 0)


def test_bulk_print_refuses_more_than_the_limit(client, monkeypatch):
    """SHP-02: more shipments than one page holds are refused with a message; none printed."""
    monkeypatch.setattr(ShipmentAdmin, "bulk_print_limit", 2)
    first = intake().shipment
    chosen = [first] + [intake(partner=first.partner).shipment for _ in range(2)]
    client.force_login(role_user("printing"))
    response = _bulk(client, chosen)
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(texts) == 1 and "2" in texts[0]
    assert set(Shipment.objects.values_list("state", flat=True)) == {"created"}


def test_bulk_print_not_offered_without_the_print_permission(client):
    """SHP-02: an agent's shipment list does not offer the bulk print."""
    intake()
    client.force_login(role_user("agent"))
    html = client.get("/admin/courier/shipment/").content.decode()
    assert 'value="print_waybills"' not in html
