"""The admin workflow kit (courier.core.admin.workflow): who may press a button, what is
written (the service's change and one admin log entry) and what a refusal leaves behind."""

import pytest
from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from courier.core.admin.workflow import ServiceAction
from courier.shipments.models import Shipment, StationScan
from tests.courier.factories import ShipmentFactory, StationFactory, intake
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client):
    user = UserFactory(username="boss", is_superuser=True)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


@pytest.fixture
def probe(monkeypatch):
    """A kit action on the shipment admin whose service only records that it was called; it
    lets anyone who may view the shipment press it (``permission="view"``)."""
    calls = []
    model_admin = django_admin.site._registry[Shipment]
    action = ServiceAction(
        "Probe", lambda request, obj, data: calls.append(obj.pk), permission="view"
    )
    monkeypatch.setitem(model_admin.service_actions, "probe", action)
    return calls


def _messages(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def _grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def test_kit_action_needs_view_permission_and_the_service_is_not_called(client, probe):
    """ORG-03: staff who may not view the object get 403 from a workflow action's URL, for the
    form page as for the POST, and the service is not called; once they may view it, it is."""
    shipment = ShipmentFactory(state="created")
    nobody = UserFactory(username="no-perms")
    client.force_login(nobody)
    url = f"/admin/courier/shipment/{shipment.pk}/do/probe/"
    assert client.post(url).status_code == 403
    assert client.get(f"/admin/courier/shipment/{shipment.pk}/do/cancel/").status_code == 403
    assert probe == []
    _grant(nobody, "view_shipment")
    assert client.post(url).status_code == 302
    assert probe == [shipment.pk]


def test_kit_action_needs_its_own_permission_beyond_view(client, monkeypatch):
    """ORG-03, SHP-12: viewing a shipment does not let a person press its buttons: a "change"
    action needs the change permission, whatever the page showed; the service is not called."""
    from courier.shipments.services import shipments as shipment_services

    calls = []
    monkeypatch.setattr(shipment_services, "shipment_transition", lambda *a, **kw: calls.append(a))
    shipment = ShipmentFactory(state="created")
    viewer = UserFactory(username="viewer")
    _grant(viewer, "view_shipment")
    client.force_login(viewer)
    page = client.get(f"/admin/courier/shipment/{shipment.pk}/change/").content.decode()
    assert "/do/print_waybill/" not in page
    assert (
        client.post(f"/admin/courier/shipment/{shipment.pk}/do/print_waybill/").status_code == 403
    )
    assert calls == []


def test_kit_action_writes_one_log_entry_naming_the_action(client, boss):
    """SHP-06: pressing a button writes the service's change and exactly one admin log entry
    (a change, by the person, naming the action and the reason)."""
    shipment = intake().shipment
    response = client.post(f"/admin/courier/shipment/{shipment.pk}/do/print_waybill/")
    assert response.status_code == 302
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (boss, CHANGE, str(shipment.pk))
    assert entry.change_message == "Mark printed"
    assert Shipment.objects.get(pk=shipment.pk).state == "printed"
    response = client.post(
        f"/admin/courier/shipment/{shipment.pk}/do/cancel/",
        {"reason": "客户取消", "confirm_irreversible": "on"},
    )
    assert response.status_code == 302
    assert LogEntry.objects.count() == 2
    assert LogEntry.objects.latest("pk").change_message == "Cancel: 客户取消"


def test_kit_refusal_is_a_message_and_changes_nothing(client, boss):
    """SHP-06, SHP-07: a refused step (here: printing twice) is shown as the service's message;
    the state, the history and the admin log are unchanged."""
    shipment = intake().shipment
    client.post(f"/admin/courier/shipment/{shipment.pk}/do/print_waybill/", follow=True)
    history = shipment.history.count()
    response = client.post(f"/admin/courier/shipment/{shipment.pk}/do/print_waybill/")
    assert response.status_code == 302
    assert _messages(response) == [
        ("error", "A shipment in state “Printed” cannot do this."),
    ]
    shipment = Shipment.objects.get(pk=shipment.pk)
    assert (shipment.state, shipment.print_count) == ("printed", 1)
    assert shipment.history.count() == history
    assert LogEntry.objects.count() == 1


def test_kit_field_errors_from_the_service_reshow_the_form(client, boss):
    """SHP-10: a service's per-field error (no shelf given) is shown on its field, the form is
    shown again (200) and nothing is saved or logged."""
    shipment = ShipmentFactory(state="in_transit")
    history = shipment.history.count()
    response = client.post(
        f"/admin/courier/shipment/{shipment.pk}/do/inbound/",
        {
            "station": StationFactory().pk,
            "intact": "on",
            "weight_kg": "1.2",
            "label_ok": "on",
            "shelf_location": "",
            "source": "干线",
            "quantity": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["shelf_location"]
    assert Shipment.objects.get(pk=shipment.pk).state == "in_transit"
    assert shipment.history.count() == history
    assert not StationScan.objects.exists() and not LogEntry.objects.exists()


def test_kit_form_less_action_is_post_only(client, boss):
    """SHP-06: a button without a form or confirmation runs on POST only (a GET changes
    nothing)."""
    shipment = intake().shipment
    assert client.get(f"/admin/courier/shipment/{shipment.pk}/do/print_waybill/").status_code == 405
    assert client.get(f"/admin/courier/shipment/{shipment.pk}/do/nonsense/").status_code == 404
    assert Shipment.objects.get(pk=shipment.pk).state == "created"
