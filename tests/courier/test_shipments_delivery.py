"""Stations, counter pickup, delivery with proof, exceptions with photos."""

import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from courier.core.models import Notification
from courier.shipments.models import (
    CashHandover,
    CompensationProposal,
    DeliveryAttempt,
    DeliveryException,
    EvidencePhoto,
    InsuranceClaim,
    Shipment,
    StationScan,
)
from courier.shipments.services.claims import exception_close, exception_handle, exception_record
from courier.shipments.services.delivery import (
    delivery_attempt_record,
    delivery_authorisation_record,
)
from courier.shipments.services.shipments import StateConflict, shipment_transition
from courier.shipments.services.stations import (
    cash_handover_receive,
    counter_pickup_record,
    station_inbound,
    station_outbound,
)
from tests.courier.factories import (
    ShipmentFactory,
    StationFactory,
    intake,
    photo,
    private_storage,
    role_user,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OK = {"packing_intact": True, "count_matches": True, "appearance_ok": True}


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    return private_storage(settings, tmp_path)


@pytest.fixture
def ops():
    return UserFactory(username="ops", is_superuser=True)


@pytest.fixture
def agent():
    return role_user("agent", "dedicated")


def _in_transit(ops, agent=None, cod=Decimal("0")):
    result = intake(user=ops, cod_amount=cod)
    shipment = result.shipment
    if agent:
        shipment.dedicated_agent = agent
        shipment.save(update_fields=["dedicated_agent"])
    for name in ("print_waybill", "pack", "pick_up", "depart"):
        shipment = shipment_transition(shipment, name, user=ops)
    return shipment


def _out(ops, agent=None, cod=Decimal("0")):
    shipment = _in_transit(ops, agent, cod)
    station = StationFactory()
    station_inbound(
        shipment,
        station,
        user=ops,
        intact=True,
        weight_kg=Decimal("1.5"),
        shelf_location="A-03",
        source="上海转运中心",
    )
    station_outbound(shipment, station, user=ops, weight_kg=Decimal("1.5"), destination="派送")
    return Shipment.objects.get(pk=shipment.pk)


def test_station_inbound_and_outbound_are_recorded(ops):
    """SHP-10: inbound checks intact, weight, label, shelf, time, quantity and source; the
    parcel arrives; outbound sends it out for delivery."""
    shipment = _in_transit(ops)
    station = StationFactory()
    with pytest.raises(ValidationError) as info:
        station_inbound(
            shipment,
            station,
            user=ops,
            intact=True,
            weight_kg=Decimal("0"),
            shelf_location="",
            source="上海",
        )
    assert "weight_kg" in info.value.message_dict
    scan = station_inbound(
        shipment,
        station,
        user=ops,
        intact=True,
        weight_kg=Decimal("1.52"),
        shelf_location="B-07",
        source="上海转运中心",
        quantity=1,
    )
    assert (scan.shelf_location, scan.weight_kg, scan.source) == (
        "B-07",
        Decimal("1.52"),
        "上海转运中心",
    )
    assert Shipment.objects.get(pk=shipment.pk).state == "at_station"
    station_outbound(shipment, station, user=ops, weight_kg=Decimal("1.52"), destination="派送")
    assert Shipment.objects.get(pk=shipment.pk).state == "out_for_delivery"
    assert list(StationScan.objects.values_list("direction", flat=True)) == [
        "inbound",
        "outbound",
    ]


def test_delivery_to_named_recipient_with_inspection_signature_and_cod(ops, _storage):
    """DLV-02, DLV-05, SHP-09: the named recipient inspects packing, count and appearance,
    signs (stored privately with SHA-256), pays COD handed to finance; signing time recorded."""
    shipment = _out(ops, cod=Decimal("88.00"))
    with pytest.raises(ValidationError) as info:
        delivery_attempt_record(
            shipment,
            user=ops,
            delivered=True,
            signer_name="张三",
            **OK,
            signature=photo("sig.png", b"sig"),
            cod_collected="80",
        )
    assert set(info.value.message_dict) == {"cod_collected"}
    attempt = delivery_attempt_record(
        shipment,
        user=ops,
        delivered=True,
        signer_name="张三",
        **OK,
        signature=photo("sig.png", b"signature-bytes"),
        cod_collected=Decimal("88.00"),
    )
    assert attempt.signer_is_recipient and attempt.authorisation is None
    assert attempt.signed_at is not None and not attempt.inspection_abnormal
    assert attempt.signature_sha256 == hashlib.sha256(b"signature-bytes").hexdigest()
    assert (_storage / attempt.signature.name).read_bytes() == b"signature-bytes"
    shipment.refresh_from_db()
    assert (shipment.state, shipment.completed_at is not None) == ("delivered", True)
    handover = CashHandover.objects.get(shipment=shipment)
    assert handover.amount == Decimal("88.00") and handover.handed_to_finance_at is None
    finance = role_user("finance", "cashier")
    assert cash_handover_receive(handover, user=finance).received_by == finance
    with pytest.raises(StateConflict):
        cash_handover_receive(handover, user=finance)


def test_private_evidence_is_never_served_publicly(ops, client):
    """DLV-04: evidence lives in private storage; its storage URL is not served."""
    shipment = _out(ops)
    exc = exception_record(shipment, user=ops, kind="damage", cause="外箱压坏", photos=[photo()])
    stored = exc.photos.get()
    assert client.get(stored.file.url).status_code == 404


def test_proxy_signer_needs_recorded_authorisation(ops, agent):
    """DLV-01: another person may sign only if the merchant's authorisation was recorded first;
    no arbitrary proxy signing."""
    shipment = _out(ops, agent)
    with pytest.raises(ValidationError) as info:
        delivery_attempt_record(
            shipment,
            user=ops,
            delivered=True,
            signer_name="李四",
            **OK,
            signature=photo("s.png", b"s"),
        )
    assert set(info.value.message_dict) == {"signer_name"}
    assert not DeliveryAttempt.objects.exists()
    auth = delivery_authorisation_record(
        shipment,
        user=agent,
        authorised_name="李四",
        merchant_contact="店长 陈",
        authorised_phone="13700001111",
    )
    attempt = delivery_attempt_record(
        shipment,
        user=ops,
        delivered=True,
        signer_name="李 四",
        **OK,
        signature=photo("s.png", b"s"),
    )
    assert (attempt.signer_is_recipient, attempt.authorisation) == (False, auth)


def test_recipient_absent_notifies_dedicated_agent_then_redelivery(ops, agent):
    """DLV-01: recipient absent → the attempt fails and the origin's dedicated agent is told."""
    shipment = _out(ops, agent)
    with pytest.raises(ValidationError):
        delivery_attempt_record(
            shipment, user=ops, delivered=False, failure_kind="x", failure_reason=""
        )
    attempt = delivery_attempt_record(
        shipment,
        user=ops,
        delivered=False,
        failure_kind="recipient_absent",
        failure_reason="电话无人接听",
    )
    assert (attempt.number, attempt.outcome) == (1, "failed")
    assert Shipment.objects.get(pk=shipment.pk).state == "delivery_failed"
    assert DeliveryException.objects.get().kind == "recipient_absent"
    notice = Notification.objects.get()
    assert notice.recipient == agent and shipment.waybill_number in notice.subject
    shipment = shipment_transition(shipment, "send_out", user=ops)
    second = delivery_attempt_record(
        shipment,
        user=ops,
        delivered=True,
        signer_name="张三",
        **OK,
        signature=photo("s.png", b"s"),
    )
    assert second.number == 2


def test_abnormal_inspection_needs_photos_and_alerts_agent_and_merchant(ops, agent, monkeypatch):
    """DLV-02, DLV-03, DLV-04: abnormal packing/count/appearance needs photos, records an
    exception, notifies the dedicated agent (admin notice) and the merchant (webhook)."""
    events = []
    monkeypatch.setattr(
        "courier.shipments.services.delivery.partner_event_emit",
        lambda partner, event_type, payload: events.append((partner.pk, event_type, payload)),
    )
    shipment = _out(ops, agent)
    abnormal = {**OK, "count_matches": False}
    with pytest.raises(ValidationError) as info:
        delivery_attempt_record(
            shipment,
            user=ops,
            delivered=True,
            signer_name="张三",
            **abnormal,
            signature=photo("s.png", b"s"),
        )
    assert set(info.value.message_dict) == {"photos"}
    attempt = delivery_attempt_record(
        shipment,
        user=ops,
        delivered=True,
        signer_name="张三",
        **abnormal,
        inspection_note="少一双",
        signature=photo("s.png", b"s"),
        photos=[photo("a.jpg", b"one"), photo("b.jpg", b"two")],
    )
    assert attempt.inspection_abnormal
    exc = DeliveryException.objects.get(kind="inspection")
    assert exc.photos.count() == 2
    assert sorted(EvidencePhoto.objects.values_list("sha256", flat=True)) == sorted(
        [hashlib.sha256(b"one").hexdigest(), hashlib.sha256(b"two").hexdigest()]
    )
    assert Notification.objects.get().recipient == agent
    assert [(e[1], e[2]["count_matches"]) for e in events] == [("shipment.exception", False)]


def test_counter_pickup_checks_id_masks_it_and_collects_cod(ops, _storage):
    """SHP-09: ID checked and stored masked, signature in the designated place, COD collected
    and handed to finance; only the recipient or an authorised person collects."""
    shipment = _in_transit(ops, cod=Decimal("50.00"))
    station = StationFactory()
    station_inbound(
        shipment,
        station,
        user=ops,
        intact=True,
        weight_kg=Decimal("1"),
        shelf_location="C-1",
        source="干线",
    )
    with pytest.raises(ValidationError) as info:
        counter_pickup_record(
            shipment,
            station,
            user=ops,
            picker_name="张三",
            id_number="",
            id_checked=False,
            signature=None,
        )
    assert set(info.value.message_dict) == {"id_checked", "id_number", "signature"}
    with pytest.raises(ValidationError) as info:
        counter_pickup_record(
            shipment,
            station,
            user=ops,
            picker_name="路人",
            id_checked=True,
            id_number="110101199003071234",
            signature=photo("s.png", b"s"),
            cod_collected="50",
        )
    assert set(info.value.message_dict) == {"picker_name"}
    pickup = counter_pickup_record(
        shipment,
        station,
        user=ops,
        picker_name="张三",
        id_number="110101199003071234",
        id_checked=True,
        signature=photo("s.png", b"pickup-sig"),
        cod_collected="50.00",
    )
    assert pickup.id_number_masked == "110***********1234"
    assert pickup.signature_sha256 == hashlib.sha256(b"pickup-sig").hexdigest()
    assert Shipment.objects.get(pk=shipment.pk).state == "delivered"
    assert CashHandover.objects.get().amount == Decimal("50.00")
    assert "1990" not in str(list(pickup.history.values()))


def test_damage_needs_photos_and_opens_insurance_claim(ops):
    """INC-03, DLV-04: damage is photographed and leads to an insurance claim record."""
    shipment = _out(ops)
    with pytest.raises(ValidationError) as info:
        exception_record(shipment, user=ops, kind="damage", cause="外箱破损")
    assert set(info.value.message_dict) == {"photos"}
    assert not DeliveryException.objects.exists()
    exc = exception_record(shipment, user=ops, kind="damage", cause="外箱破损", photos=[photo()])
    claim = InsuranceClaim.objects.get(exception=exc)
    assert (claim.amount, claim.status, claim.photo_count) == (Decimal("200.00"), "open", 1)
    assert not CompensationProposal.objects.exists()


def test_loss_opens_compensation_proposal(ops):
    """INC-03: loss leads to a compensation proposal (default: the goods value)."""
    shipment = _out(ops)
    exc = exception_record(shipment, user=ops, kind="loss", cause="派送途中丢失", amount="150")
    proposal = CompensationProposal.objects.get(exception=exc)
    assert (proposal.amount, proposal.status) == (Decimal("150"), "open")
    assert not InsuranceClaim.objects.exists()


def test_exception_registered_by_category_handled_and_reported_back(ops):
    """INC-04, INC-03: an abnormal parcel is registered by category, handled (delay: customer
    told), reported back to the network point, closed with a result."""
    shipment = ShipmentFactory(state="in_transit")
    exc = exception_record(shipment, user=ops, kind="delay", cause="交通管制")
    with pytest.raises(ValidationError):
        exception_handle(exc, user=ops, handling="")
    exc = exception_handle(
        exc,
        user=ops,
        handling="已告知客户并调整计划",
        customer_informed=True,
        reported_to_network=True,
    )
    assert exc.state == "handled"
    assert exc.customer_informed_at is not None and exc.reported_to_network_at is not None
    exc = exception_close(exc, user=ops, result="次日送达")
    assert (exc.state, exc.result) == ("closed", "次日送达")
    assert [h.state for h in exc.history.order_by("history_id")] == ["open", "handled", "closed"]
    with pytest.raises(ValidationError):
        exception_record(shipment, user=ops, kind="aliens", cause="x")
