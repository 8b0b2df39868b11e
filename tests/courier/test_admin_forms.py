"""Issue 17 point 4, what a newcomer tripped over in the admin's forms: irreversible steps ask
for a confirmation, only the steps that can run are offered, a modification starts from the
current values and refuses an empty change, messages name routes in words, the order page after
intake does not promise an edit it cannot offer, and references are found by waybill number."""

import json

import pytest
from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courier.core.admin.workflow import ServiceAction
from courier.shipments.models import DeskInstruction, Order, OrderRemark, Shipment
from courier.shipments.services.shipments import shipment_transition
from tests.courier.factories import ShipmentFactory, intake, private_storage
from tests.courier.test_shipments_admin import _intake_post
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    return private_storage(settings, tmp_path)


@pytest.fixture
def boss(client):
    user = UserFactory(username="boss", is_superuser=True)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


def _messages(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def _grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


# --- irreversible steps ask for a confirmation ---------------------------------------------------
def test_lost_is_not_one_click_a_post_without_confirmation_changes_nothing(client, boss):
    """SHP-12: "lost" cannot be undone: the change page links to a confirmation page (no
    one-click form), a POST without the ticked box shows the page again (200) and changes
    nothing; with the box ticked the shipment is lost and logged once."""
    shipment = ShipmentFactory(state="in_transit")
    url = f"/admin/courier/shipment/{shipment.pk}/do/mark_lost/"
    page = client.get(f"/admin/courier/shipment/{shipment.pk}/change/").content.decode()
    assert f'<a href="{url}"' in page
    assert f'action="{url}"' not in page
    confirm_page = client.get(url)
    assert confirm_page.status_code == 200
    assert "This step cannot be undone." in confirm_page.content.decode()
    history = shipment.history.count()
    response = client.post(url)
    assert response.status_code == 200
    assert response.context["form"].errors["confirm_irreversible"] == [
        "Tick the box to confirm: this step cannot be undone."
    ]
    assert Shipment.objects.get(pk=shipment.pk).state == "in_transit"
    assert shipment.history.count() == history and not LogEntry.objects.exists()
    response = client.post(url, {"confirm_irreversible": "on"})
    assert response.status_code == 302
    assert Shipment.objects.get(pk=shipment.pk).state == "lost"
    assert LogEntry.objects.get().change_message == "Lost"


def test_void_needs_the_reason_and_the_confirmation(client, boss):
    """SHP-07: cancelling (a void before printing) with a reason but without the confirmation
    box changes nothing; with both the shipment is cancelled."""
    shipment = intake().shipment
    url = f"/admin/courier/shipment/{shipment.pk}/do/cancel/"
    response = client.post(url, {"reason": "客户取消"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["confirm_irreversible"]
    assert Shipment.objects.get(pk=shipment.pk).state == "created"
    assert not DeskInstruction.objects.exists()
    response = client.post(url, {"reason": "客户取消", "confirm_irreversible": "on"})
    assert response.status_code == 302
    assert Shipment.objects.get(pk=shipment.pk).state == "cancelled"
    # Issue 17: the message names the route in words, never its code ("void").
    assert _messages(response) == [("success", "Done (voided before printing).")]
    remark = OrderRemark.objects.get(kind="cancellation")
    assert "(voided before printing)" in remark.text and "(void)" not in remark.text


def test_an_irreversible_step_is_never_a_bulk_action(client, boss, monkeypatch):
    """CMP-11, SCR-06: a reject is not offered on the change list (one click there would
    decide every selected row without a confirmation); the approve beside it still is."""
    from complaints.models import ComplaintClaim
    from staffing.models import ScoreAppeal

    for model in (ComplaintClaim, ScoreAppeal):
        model_admin = django_admin.site._registry[model]
        request = client.get("/admin/").wsgi_request
        actions = model_admin.get_actions(request)
        assert "reject" not in actions
    assert "approve" in django_admin.site._registry[ComplaintClaim].get_actions(request)


# --- only the steps that can run are offered ------------------------------------------------------
def test_a_step_naming_its_transition_is_offered_only_when_it_can_run(client, monkeypatch):
    """SHP-12: an action naming the FSM transition it runs is offered only in the
    transition's source states and to a person holding its permission."""
    model_admin = django_admin.site._registry[Shipment]
    probe = ServiceAction("Probe", lambda r, o, d: None, permission="view", transition="pack")
    monkeypatch.setitem(model_admin.service_actions, "probe", probe)
    monkeypatch.setattr(
        type(model_admin),
        "service_actions_available",
        staticmethod(lambda obj, user: {"probe"}),
    )
    created, printed = ShipmentFactory(state="created"), ShipmentFactory(state="printed")
    packer = UserFactory(username="packer")
    _grant(packer, "view_shipment", "pack_shipment")
    viewer = UserFactory(username="viewer")
    _grant(viewer, "view_shipment")

    def offered(user, shipment):
        client.force_login(user)
        page = client.get(f"/admin/courier/shipment/{shipment.pk}/change/").content.decode()
        return f"/admin/courier/shipment/{shipment.pk}/do/probe/" in page

    assert Permission.objects.filter(codename="pack_shipment").exists()
    assert (offered(packer, created), offered(packer, printed)) == (False, True)
    assert offered(viewer, printed) is False


def test_buttons_the_service_would_refuse_are_not_offered(client, boss):
    """SHP-06, SHP-12: a delivered shipment offers no "Modify" (the service refuses a finished
    shipment) and a packed one waiting to be re-printed offers no "Picked up"."""
    delivered = ShipmentFactory(state="delivered")
    page = client.get(f"/admin/courier/shipment/{delivered.pk}/change/").content.decode()
    assert "/do/modify/" not in page
    packed = ShipmentFactory(state="packed", needs_reprint=True)
    page = client.get(f"/admin/courier/shipment/{packed.pk}/change/").content.decode()
    assert "/do/pick_up/" not in page and "/do/reprint/" in page
    packed.needs_reprint = False
    packed.save(update_fields=["needs_reprint"])
    page = client.get(f"/admin/courier/shipment/{packed.pk}/change/").content.decode()
    assert "/do/pick_up/" in page and "/do/reprint/" not in page


# --- the modification form ---------------------------------------------------------------------
def _modify_values(order) -> dict:
    """What the browser posts back from an untouched modification page."""
    return {
        "recipient_name": order.recipient_name,
        "recipient_phone": order.recipient_phone,
        "recipient_province": order.recipient_province,
        "recipient_city": order.recipient_city,
        "recipient_district": order.recipient_district,
        "recipient_address": order.recipient_address,
        "required_arrival_at": "",
        "transport_mode": order.transport_mode,
    }


def test_modification_form_starts_from_the_current_values(client, boss):
    """SHP-06: the modification page is filled in with the order's current values."""
    shipment = intake().shipment
    form = client.get(f"/admin/courier/shipment/{shipment.pk}/do/modify/").context["form"]
    order = shipment.order
    assert {
        name: form[name].value() for name in _modify_values(order) if name != "required_arrival_at"
    } == {k: v for k, v in _modify_values(order).items() if k != "required_arrival_at"}


def test_modification_form_masks_what_the_person_may_not_see(client):
    """ORG-03: a person without the reveal permission gets the personal fields empty, the
    masked current value as the placeholder; the other fields are filled in."""
    shipment = intake().shipment
    clerk = UserFactory(username="clerk", is_staff=True)
    _grant(clerk, "view_shipment", "change_shipment")
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/admin/courier/shipment/{shipment.pk}/do/modify/")
    form, page = response.context["form"], response.content.decode()
    assert form["recipient_phone"].value() is None and "13812345678" not in page
    assert form["recipient_city"].value() == "深圳市"
    assert form.fields["recipient_phone"].widget.attrs["placeholder"] != ""


def test_an_untouched_modification_is_a_form_error_and_records_nothing(client, boss):
    """SHP-06: the form posted back unchanged says "nothing changed" (200) and writes no
    remark, no desk instruction, no history and no log entry."""
    shipment = intake().shipment
    order = shipment.order
    history = order.history.count()
    url = f"/admin/courier/shipment/{shipment.pk}/do/modify/"
    response = client.post(url, {**_modify_values(order), "confirmed_via": "phone"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Nothing changed: change at least one field."
    ]
    assert not OrderRemark.objects.exists() and not DeskInstruction.objects.exists()
    assert order.history.count() == history and not LogEntry.objects.exists()


def test_a_modification_reports_its_route_in_words(client, boss):
    """SHP-06, issue 17: a change on a printed waybill reports "changed on the printed papers",
    never the route's code (edit_printed)."""
    shipment = intake().shipment
    shipment_transition(shipment, "print_waybill", user=boss)
    order = shipment.order
    url = f"/admin/courier/shipment/{shipment.pk}/do/modify/"
    response = client.post(
        url, {**_modify_values(order), "recipient_name": "张四", "confirmed_via": "phone"}
    )
    assert response.status_code == 302
    assert _messages(response) == [("success", "Done (changed on the printed papers).")]
    assert Order.objects.get(pk=order.pk).recipient_name == "张四"
    assert OrderRemark.objects.count() == 1


def test_an_untouched_goods_line_modification_is_a_form_error(client, boss):
    """SHP-06: the goods line form of a one-line order starts from that line; posted back
    unchanged it says "nothing changed" and writes no remark."""
    order = intake().order
    url = f"/admin/courier/order/{order.pk}/do/modify_line/"
    form = client.get(url).context["form"]
    line = order.lines.get()
    assert (form["line"].value(), form["quantity"].value()) == (1, line.quantity)
    response = client.post(
        url, {"line": "1", "quantity": str(line.quantity), "confirmed_via": "chat"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Nothing changed: change at least one field."
    ]
    assert not OrderRemark.objects.exists()


# --- the order page after intake ---------------------------------------------------------------
def test_order_intake_does_not_promise_an_edit_the_page_cannot_offer(client, boss):
    """SHP-01, issue 17: after "Save and continue editing" the read-only order page says the
    order was added and that the buttons take the next steps (not "You may edit it again
    below"), and it shows no save buttons."""
    partner = PartnerFactory()
    response = client.post(
        "/admin/courier/order/add/", {**_intake_post(partner=partner.pk), "_continue": "1"}
    )
    order = Order.objects.get(partner_ref="ADM-1")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/courier/order/{order.pk}/change/"
    [(level, text)] = _messages(response)
    assert level == "success" and "edit it again" not in text
    assert "can no longer be edited here" in text
    page = client.get(response["Location"]).content.decode()
    assert 'name="_continue"' not in page and 'name="_save"' not in page


# --- references found by what a person knows --------------------------------------------------
def test_complaint_form_finds_the_shipment_by_its_waybill_number(client):
    """CMP-01, issue 17: the complaint form's shipment and partner are autocomplete fields
    (Django's select2, served from our static files), and the shipment is found by its exact
    waybill number with a fixed number of queries, by the indexed column (no LIKE)."""
    agent = UserFactory(username="agent-ac", is_staff=True)
    _grant(agent, "view_shipment", "view_partner", "view_complaint", "add_complaint")
    client.force_login(agent)
    page = client.get("/admin/complaints/complaint/add/").content.decode()
    assert 'data-ajax--url="/admin/autocomplete/"' in page
    assert "/static/admin/js/vendor/select2/select2.full" in page
    assert "//cdn" not in page
    shipment = ShipmentFactory()
    ShipmentFactory()
    params = {"app_label": "complaints", "model_name": "complaint", "field_name": "shipment"}
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/admin/autocomplete/", {**params, "term": shipment.waybill_number})
    assert response.status_code == 200
    assert json.loads(response.content)["results"] == [
        {"id": str(shipment.pk), "text": shipment.waybill_number}
    ]
    lookups = [q["sql"] for q in ctx.captured_queries if "courier_shipment" in q["sql"]]
    assert lookups and all("LIKE" not in sql.upper() for sql in lookups)
    response = client.get("/admin/autocomplete/", {**params, "term": shipment.waybill_number[:6]})
    assert json.loads(response.content)["results"] == []
    partner = shipment.partner
    response = client.get(
        "/admin/autocomplete/", {**params, "field_name": "partner", "term": partner.name}
    )
    assert {"id": str(partner.pk), "text": str(partner)} in json.loads(response.content)["results"]


def test_an_agent_picks_the_assigned_colleague_by_name_without_reading_employee_records(client):
    """CMP-01, ORG-03, issue 17 point 4: the complaint's assigned agent is an autocomplete found
    by number or name. The agent may change complaints but not read employee rows (their wages
    are private): the picker answers them with active people's "number name" only, while the
    employee list stays 403, a field that is not a picker and a person who may not fill the form
    are refused."""
    from tests.factories import EmployeeFactory

    agent = UserFactory(username="agent-pick", is_staff=True)
    _grant(agent, "view_complaint", "add_complaint", "change_complaint")
    client.force_login(agent)
    colleague = EmployeeFactory(number="A0042", name="王小明")
    EmployeeFactory(number="A0043", name="王小明", is_active=False)
    EmployeeFactory(number="A0044", name="李四")
    page = client.get("/admin/complaints/complaint/add/").content.decode()
    assert 'data-ajax--url="/admin/autocomplete/"' in page
    assert 'name="assigned_agent"' in page
    assert 'data-model-name="complaint" data-field-name="assigned_agent"' in page
    params = {"app_label": "complaints", "model_name": "complaint", "field_name": "assigned_agent"}
    response = client.get("/admin/autocomplete/", {**params, "term": "王小"})
    assert response.status_code == 200
    assert json.loads(response.content)["results"] == [
        {"id": str(colleague.pk), "text": "A0042 王小明"}
    ]
    response = client.get("/admin/autocomplete/", {**params, "term": "A0044"})
    assert [r["text"] for r in json.loads(response.content)["results"]] == ["A0044 李四"]
    assert client.get("/admin/staffing/employee/").status_code == 403
    assert client.get(f"/admin/staffing/employee/{colleague.pk}/change/").status_code == 403
    # Not one of the complaint admin's pickers: refused as before.
    not_a_picker = {**params, "field_name": "responsible_employee", "term": "王"}
    assert client.get("/admin/autocomplete/", not_a_picker).status_code == 403
    reader = UserFactory(username="reader-pick", is_staff=True)
    _grant(reader, "view_complaint")
    client.force_login(reader)
    assert client.get("/admin/autocomplete/", {**params, "term": "王"}).status_code == 403


def test_the_platform_case_reminder_picks_the_owner_by_name(client):
    """CMP-14, issue 17 point 4: the supervisor's "remind after-sales" form and the case's add
    form find the after-sales owner by number or name (autocomplete), not a list of everyone."""
    from complaints.admin.aftersales import RemindForm
    from tests.factories import EmployeeFactory

    owner = EmployeeFactory(number="S0007", name="赵售后")
    form = RemindForm()
    html = str(form["owner"])
    assert 'data-field-name="owner"' in html and 'data-model-name="platformcase"' in html
    assert "赵售后" not in html  # no option list: found as the person types
    assert RemindForm(data={"owner": owner.pk}).is_valid()
    supervisor = UserFactory(username="sup-pick", is_staff=True)
    _grant(supervisor, "view_platformcase", "add_platformcase", "change_platformcase")
    client.force_login(supervisor)
    params = {"app_label": "complaints", "model_name": "platformcase", "field_name": "owner"}
    response = client.get("/admin/autocomplete/", {**params, "term": "赵"})
    assert json.loads(response.content)["results"] == [
        {"id": str(owner.pk), "text": "S0007 赵售后"}
    ]
