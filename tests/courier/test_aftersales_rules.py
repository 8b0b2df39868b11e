"""Issue 13 points 7–9: who records an authorised recipient (DLV-01), quality claims that cannot
be photographed (RET-02, A4), and the parcels after-sales follows to the end (RET-08)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courier.core.errors import PermissionRefused, StateConflict
from courier.core.models import Notification
from courier.shipments.models import (
    DeliveryAuthorisation,
    DeskInstruction,
    ParcelFollowUp,
    ReturnRequest,
)
from courier.shipments.services.delivery import delivery_authorisation_record
from courier.shipments.services.followups import (
    parcel_followup_close,
    parcel_followup_forwarding,
    parcel_followup_note,
    parcel_followup_open,
    parcel_followup_resend,
)
from courier.shipments.services.returns import (
    return_quality_photo_waive,
    return_request_approve,
    return_request_create,
)
from tests.courier.factories import ShipmentFactory, private_storage, role_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AUTH = {"authorised_name": "李四", "merchant_contact": "店长 陈", "authorised_phone": "13700001111"}
AUTH_REFUSED = (
    "Only the origin's dedicated customer service may record the merchant's authorisation of "
    "another recipient."
)


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    return private_storage(settings, tmp_path)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def dedicated():
    return role_user("agent", "dedicated")


@pytest.fixture
def out_for_delivery(dedicated):
    return ShipmentFactory(state="out_for_delivery", dedicated_agent=dedicated)


# --- point 7: DLV-01 ------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["warehouse", "printing", "presales", "aftersales", None])
def test_courier_warehouse_and_other_desks_cannot_record_authorisation(out_for_delivery, role):
    """DLV-01: a courier (a login without a CS role), the warehouse, the printing desk, pre-sales
    and after-sales are refused; nothing is recorded."""
    user = role_user(role, f"u-{role}") if role else UserFactory(username="courier-li")
    with pytest.raises(PermissionRefused) as info:
        delivery_authorisation_record(out_for_delivery, user=user, **AUTH)
    assert info.value.messages == [AUTH_REFUSED]
    assert DeliveryAuthorisation.objects.count() == 0


def test_only_the_shipments_dedicated_agent_or_supervisor_records(out_for_delivery, dedicated):
    """DLV-01: the shipment's dedicated agent records it; another CS agent is refused while a
    dedicated agent is assigned; the CS supervisor may cover."""
    other_agent = role_user("agent", "other-agent")
    with pytest.raises(PermissionRefused):
        delivery_authorisation_record(out_for_delivery, user=other_agent, **AUTH)
    auth = delivery_authorisation_record(out_for_delivery, user=dedicated, **AUTH)
    assert (auth.authorised_name, auth.merchant_contact, auth.recorded_by) == (
        "李四",
        "店长 陈",
        dedicated,
    )
    supervisor = role_user("supervisor", "sup")
    second = delivery_authorisation_record(
        out_for_delivery, user=supervisor, authorised_name="王五", merchant_contact="客服小美"
    )
    assert second.recorded_by == supervisor
    unassigned = ShipmentFactory(state="out_for_delivery")
    assert delivery_authorisation_record(unassigned, user=other_agent, **AUTH).recorded_by == (
        other_agent
    )


def test_admin_offers_the_authorisation_step_to_the_dedicated_agent_only(
    client, out_for_delivery, dedicated
):
    """DLV-01: in the admin the warehouse sees no button and its POST is refused (403); the
    dedicated agent sees the button and records the authorisation."""
    client.cookies["django_language"] = "en"
    url = f"/admin/courier/shipment/{out_for_delivery.pk}/do/authorise/"
    change = f"/admin/courier/shipment/{out_for_delivery.pk}/change/"
    warehouse = role_user("warehouse", "wh")
    warehouse.is_staff = True
    warehouse.save()
    client.force_login(warehouse)
    assert url not in client.get(change).content.decode()
    assert client.post(url, {**AUTH}).status_code == 403
    assert DeliveryAuthorisation.objects.count() == 0
    dedicated.is_staff = True
    dedicated.save()
    client.force_login(dedicated)
    assert url in client.get(change).content.decode()
    assert client.post(url, {**AUTH}).status_code == 302
    assert DeliveryAuthorisation.objects.get().recorded_by == dedicated


# --- point 8: RET-02 / A4 -------------------------------------------------------------------
def _quality_request(user):
    return return_request_create(
        ShipmentFactory(state="delivered"),
        user=user,
        kind="return",
        reason="鞋垫开裂",
        quality_problem=True,
        contact_phone="13812345678",
    )


def test_defect_that_cannot_be_photographed_is_accepted_with_a_recorded_reason():
    """RET-02, A4: an insole defect is accepted without a photo once the part and the reason are
    recorded ("内里、鞋垫等质量问题无法拍照的情况除外"); the freight split is the quality one."""
    aftersales = role_user("aftersales", "after1")
    rr = _quality_request(aftersales)
    with pytest.raises(ValidationError) as info:
        return_request_approve(rr, user=aftersales)
    assert info.value.message_dict == {
        "photo_verified_at": [
            "A quality claim needs a verified photo first, or the reason the defect cannot be "
            "photographed."
        ]
    }
    with pytest.raises(ValidationError) as info:
        return_quality_photo_waive(rr, user=aftersales, part="sole", reason="")
    assert set(info.value.message_dict) == {"photo_waiver_part", "photo_waiver_reason"}
    rr = return_quality_photo_waive(
        rr, user=aftersales, part="insole", reason="鞋垫内侧开裂，照片看不出"
    )
    assert (rr.photo_waiver_part, rr.photo_waiver_reason, rr.photo_waived_by) == (
        "insole",
        "鞋垫内侧开裂，照片看不出",
        aftersales,
    )
    rr = return_request_approve(rr, user=aftersales)
    rr.refresh_from_db()
    assert (rr.state, rr.return_leg_payer, rr.refund_return_freight) == (
        "approved",
        "company",
        True,
    )
    assert rr.history.first().history_change_reason == "approved"
    assert rr.history.all()[1].history_change_reason == "accepted without photo"


def test_waiver_refused_to_other_roles_and_for_non_quality_or_decided_requests():
    """RET-02: only after-sales waives; a claim that is not about quality, or already verified,
    cannot be waived."""
    aftersales = role_user("aftersales", "after1")
    rr = _quality_request(aftersales)
    for role in ("warehouse", "printing", "agent"):
        with pytest.raises(PermissionDenied) as info:
            return_quality_photo_waive(rr, user=role_user(role, role), part="lining", reason="x")
        assert info.value.args == ("Your role may not do this to a return.",)
    plain = return_request_create(
        ShipmentFactory(state="delivered"), user=aftersales, kind="return", reason="不要了"
    )
    with pytest.raises(StateConflict) as info:
        return_quality_photo_waive(plain, user=aftersales, part="lining", reason="内里")
    assert info.value.messages == ["Only a quality claim needs a photo."]
    return_quality_photo_waive(rr, user=aftersales, part="lining", reason="内里脱线")
    with pytest.raises(StateConflict) as info:
        return_quality_photo_waive(rr, user=aftersales, part="lining", reason="again")
    assert info.value.messages == ["The quality claim is already verified."]


def test_admin_offers_accept_without_photo_to_aftersales(client):
    """RET-02, A4: the return page offers "Accept without photo" to after-sales and records it."""
    client.cookies["django_language"] = "en"
    aftersales = role_user("aftersales", "after1", is_staff=True)
    rr = _quality_request(aftersales)
    client.force_login(aftersales)
    page = client.get(f"/admin/courier/returnrequest/{rr.pk}/change/").content.decode()
    url = f"/admin/courier/returnrequest/{rr.pk}/do/waive_photo/"
    assert url in page and "Accept without photo (lining, insole…)" in page
    response = client.post(url, {"part": "lining", "reason": "内里破损"})
    assert response.status_code == 302
    assert ReturnRequest.objects.get(pk=rr.pk).photo_waiver_part == "lining"


# --- point 9: RET-08 ------------------------------------------------------------------------
def test_return_without_card_goes_to_aftersales_who_contacts_the_customer():
    """RET-08: the warehouse hands a return without a service card to after-sales (a follow-up
    and a notice to every after-sales user); it is settled only after the customer was
    contacted; an exchange sends the printing desk the instruction to print the waybill."""
    warehouse = role_user("warehouse", "wh")
    aftersales = role_user("aftersales", "after1")
    shipment = ShipmentFactory(state="delivered")
    fu = parcel_followup_open(
        user=warehouse,
        kind="no_card",
        parcel_waybill_number="SF1234567890",
        description="退回包裹内无售后服务卡，无纸条",
        shipment=shipment,
    )
    notice = Notification.objects.get()
    assert (notice.recipient, notice.subject) == (
        aftersales,
        "Returned parcel SF1234567890 arrived without a service card",
    )
    with pytest.raises(PermissionRefused):
        parcel_followup_note(fu, user=warehouse, text="x")
    with pytest.raises(StateConflict) as info:
        parcel_followup_close(fu, user=aftersales, outcome="换货", decision="exchange")
    assert info.value.messages == ["Contact the customer first."]
    parcel_followup_note(
        fu, user=aftersales, text="电话联系客户，要求换39码", customer_contacted=True
    )
    with pytest.raises(ValidationError) as info:
        parcel_followup_close(fu, user=aftersales, outcome="换39码")
    assert info.value.message_dict == {"decision": ["Choose return or exchange."]}
    fu = parcel_followup_close(fu, user=aftersales, outcome="换39码", decision="exchange")
    assert (fu.state, fu.decision, fu.closed_by) == ("closed", "exchange", aftersales)
    instruction = DeskInstruction.objects.get()
    assert (instruction.desk, instruction.shipment, instruction.text) == (
        "printing",
        shipment,
        "Print the exchange waybill for returned parcel SF1234567890: 换39码",
    )
    with pytest.raises(StateConflict) as info:
        parcel_followup_note(fu, user=aftersales, text="late")
    assert info.value.messages == ["This parcel follow-up is already settled."]


def test_only_a_return_without_card_may_be_opened_by_the_warehouse():
    """RET-08: difficult, forwarded and re-sent parcels are after-sales' own follow-ups."""
    with pytest.raises(PermissionRefused):
        parcel_followup_open(
            user=role_user("warehouse", "wh"),
            kind="difficult",
            parcel_waybill_number="YT1",
            description="x",
        )
    assert ParcelFollowUp.objects.count() == 0


def test_forwarded_parcel_followed_until_it_arrived_safely():
    """RET-08: a forwarded parcel (转件) is settled only with the forwarding waybill number,
    whether forwarding succeeded and, when it did, whether the parcel arrived safely."""
    aftersales = role_user("aftersales", "after1")
    fu = parcel_followup_open(
        user=aftersales, kind="forwarded", parcel_waybill_number="YT9", description="转件至杭州"
    )
    with pytest.raises(StateConflict) as info:
        parcel_followup_close(fu, user=aftersales, outcome="ok")
    assert info.value.messages == ["Record the forwarding waybill number and whether it succeeded."]
    parcel_followup_forwarding(
        fu, user=aftersales, forwarding_waybill_number="ZT777", forwarded_ok=True
    )
    with pytest.raises(StateConflict) as info:
        parcel_followup_close(fu, user=aftersales, outcome="ok")
    assert info.value.messages == ["Record whether the forwarded parcel arrived safely."]
    with pytest.raises(ValidationError):
        parcel_followup_forwarding(
            fu,
            user=aftersales,
            forwarding_waybill_number="ZT777",
            forwarded_ok=False,
            arrived_safely=True,
        )
    parcel_followup_forwarding(
        fu,
        user=aftersales,
        forwarding_waybill_number="ZT777",
        forwarded_ok=True,
        arrived_safely=True,
    )
    fu = parcel_followup_close(fu, user=aftersales, outcome="客户已签收")
    assert (fu.state, fu.forwarding_waybill_number, fu.forwarded_ok, fu.arrived_safely) == (
        "closed",
        "ZT777",
        True,
        True,
    )


def test_difficult_parcel_needs_a_recorded_follow_up_and_resend_is_registered():
    """RET-08: a difficult parcel (疑难件) is settled only after a recorded call; a parcel to be
    returned and re-sent names its shipment and is settled when it is back and re-sent."""
    aftersales = role_user("aftersales", "after1")
    difficult = parcel_followup_open(
        user=aftersales, kind="difficult", parcel_waybill_number="YT5", description="地址不详"
    )
    with pytest.raises(StateConflict) as info:
        parcel_followup_close(difficult, user=aftersales, outcome="done")
    assert info.value.messages == ["Record how the parcel was followed (a call, a note)."]
    parcel_followup_note(difficult, user=aftersales, text="电联快递员，已改派")
    assert parcel_followup_close(difficult, user=aftersales, outcome="已改派").state == "closed"

    with pytest.raises(ValidationError) as info:
        parcel_followup_open(
            user=aftersales, kind="resend", parcel_waybill_number="YT6", description="退回重发"
        )
    assert info.value.message_dict == {
        "shipment": ["Name the shipment that is returned and re-sent."]
    }
    shipment = ShipmentFactory(state="delivery_failed")
    resend = parcel_followup_open(
        user=aftersales,
        kind="resend",
        parcel_waybill_number=shipment.waybill_number,
        description="地址错误，退回重发",
        shipment=shipment,
    )
    with pytest.raises(StateConflict) as info:
        parcel_followup_resend(resend, user=aftersales, returned=False, resend_waybill_number="N1")
    assert info.value.messages == ["The parcel is re-sent only after it came back."]
    parcel_followup_resend(resend, user=aftersales, returned=True)
    parcel_followup_resend(resend, user=aftersales, returned=False, resend_waybill_number="N1")
    resend = parcel_followup_close(resend, user=aftersales, outcome="已重发")
    assert (resend.state, resend.resend_waybill_number, resend.returned_at is not None) == (
        "closed",
        "N1",
        True,
    )
    assert list(shipment.parcel_followups.values_list("kind", flat=True)) == ["resend"]


def test_admin_warehouse_opens_a_no_card_followup(client):
    """RET-08: in the admin the warehouse adds a return without a card (through the service)
    and sees no follow-up steps; after-sales sees the note and settle steps."""
    client.cookies["django_language"] = "en"
    warehouse = role_user("warehouse", "wh", is_staff=True)
    role_user("aftersales", "after1", is_staff=True)
    client.force_login(warehouse)
    response = client.post(
        "/admin/courier/parcelfollowup/add/",
        {"kind": "no_card", "parcel_waybill_number": "SF42", "description": "无服务卡"},
    )
    assert response.status_code == 302
    fu = ParcelFollowUp.objects.get()
    assert (fu.kind, fu.created_by) == ("no_card", warehouse)
    assert Notification.objects.count() == 1
    change = f"/admin/courier/parcelfollowup/{fu.pk}/change/"
    assert f"{change[:-7]}do/note/" not in client.get(change).content.decode()
