"""FIN-02: the append-only prepayment ledger, allocations, credit control, assessments."""

import datetime
from decimal import Decimal as D

import pytest

from courier.core.models import Notification
from courier.finance.errors import FinanceConflict, FinanceInvalid, FinanceRefused
from courier.finance.models import (
    AppendOnlyError,
    CreditHold,
    LedgerAllocation,
    LedgerEntry,
    PartnerAccount,
)
from courier.finance.services import fees, ledger
from tests.courier.factories import OrderFactory, ShipmentFactory
from tests.factories import UserFactory
from tests.finance.factories import contract
from tests.finance.helpers import finance_user, manager_user

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 20)


def test_postings_signs_and_balance():
    """FIN-02: a 500.00 top-up (freight prepayment) is −500.00 owed; a 120.00 charge and a
    30.00 debit note bring the balance to −350.00 (350.00 prepaid left); a refund of 50.00
    paid back: −300.00."""
    partner, _ = contract()
    user = finance_user()
    ledger.ledger_post(partner, "top_up", D("500"), user=user, reason="转账", purpose="freight")
    ledger.ledger_post(partner, "charge", D("120"), user=user, reason="11月")
    ledger.ledger_post(partner, "debit_note", D("30"), user=user, reason="补差")
    assert ledger.partner_balance(partner) == D("-350.00")
    ledger.ledger_post(partner, "refund", D("50"), user=user, reason="退款")
    assert ledger.partner_balance(partner) == D("-300.00")
    assert [e.amount for e in LedgerEntry.objects.filter(partner=partner)] == [
        D("-500.00"),
        D("120.00"),
        D("30.00"),
        D("50.00"),
    ]


def test_ledger_is_append_only_and_corrected_by_reversal():
    """FIN-02: entries are never changed or deleted; a correction is a reversing entry (once),
    with who and why."""
    partner, _ = contract()
    user = finance_user()
    entry = ledger.ledger_post(partner, "top_up", D("100"), user=user, reason="转账")
    entry.amount = D("-1")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=D("-2"))
    reversal = ledger.ledger_reverse(entry, user=user, reason="录错金额")
    assert (reversal.kind, reversal.amount, reversal.reverses_id) == (
        "reversal",
        D("100.00"),
        entry.pk,
    )
    assert reversal.created_by == user and reversal.reason == "录错金额"
    assert ledger.partner_balance(partner) == D("0.00")
    with pytest.raises(FinanceConflict):
        ledger.ledger_reverse(entry, user=user, reason="again")
    with pytest.raises(FinanceConflict):
        ledger.ledger_reverse(reversal, user=user, reason="again")


@pytest.mark.parametrize(
    ("kind", "amount", "field"),
    [
        ("top_up", D("-5"), "amount"),
        ("charge", D("0"), "amount"),
        ("reversal", D("5"), "kind"),
        ("adjustment", D("0"), "amount"),
        ("bogus", D("5"), "kind"),
    ],
)
def test_bad_postings_name_the_field(kind, amount, field):
    """FIN-02 bad input: a negative amount, zero, a hand-made reversal → refused naming it."""
    partner, _ = contract()
    with pytest.raises(FinanceInvalid) as exc:
        ledger.ledger_post(partner, kind, amount, user=finance_user(), reason="x")
    assert field in exc.value.message_dict
    assert not LedgerEntry.objects.filter(partner=partner).exists()


def test_only_finance_posts():
    """FIN-02: without the finance permission nothing is posted."""
    partner, _ = contract()
    with pytest.raises(FinanceRefused):
        ledger.ledger_post(partner, "top_up", D("5"), user=UserFactory(), reason="x")


def test_allocations_fifo():
    """FIN-02: allocations show how each prepayment is used: top-ups 100 then 50; a charge of
    120 uses all of the first and 20 of the second; what is left of the second (30) pays the
    next charge of 40, which stays 10 unpaid."""
    partner, _ = contract()
    user = finance_user()
    t1 = ledger.ledger_post(partner, "top_up", D("100"), user=user, reason="1")
    t2 = ledger.ledger_post(partner, "top_up", D("50"), user=user, reason="2")
    c1 = ledger.ledger_post(partner, "charge", D("120"), user=user, reason="c1")
    c2 = ledger.ledger_post(partner, "charge", D("40"), user=user, reason="c2")
    pairs = sorted(LedgerAllocation.objects.values_list("payment_id", "charge_id", "amount"))
    assert pairs == [
        (t1.pk, c1.pk, D("100.00")),
        (t2.pk, c1.pk, D("20.00")),
        (t2.pk, c2.pk, D("30.00")),
    ]
    assert ledger.entry_open_amount(c2) == D("10.00")
    assert ledger.entry_open_amount(t2) == D("0.00")


def _shipment(partner, weight=D("3.2")):
    return ShipmentFactory(
        order=OrderFactory(
            partner=partner,
            sender_province="上海市",
            recipient_province="广东省",
            weight_kg=weight,
            volume_m3=D("0.024"),
            transport_mode="road",
        )
    )


def test_exposure_and_hold_over_the_limit():
    """FIN-02: limit 40.00; each shipment costs 17.00 (road, 4.0 kg). Exposure = balance +
    unbilled: the first two (34.00) pass, the second warns (34 ≥ 80 % of 40 = 32); the third
    (51.00 > 40.00) is held, not lost, until finance releases it with the override recorded."""
    partner, _ = contract(account={"credit_limit": D("40")})
    UserFactory(username="fin").groups.add(*_group("finance"))
    user = UserFactory(is_superuser=True)
    a, b, c = (_shipment(partner) for _ in range(3))
    fees.shipment_fees_snapshot(a, user=user, on=DAY)
    assert ledger.partner_exposure(partner) == D("17.00")
    fees.shipment_fees_snapshot(b, user=user, on=DAY)
    assert Notification.objects.filter(subject__contains="near its credit limit").count() == 1
    fees.shipment_fees_snapshot(c, user=user, on=DAY)
    hold = CreditHold.objects.get(shipment=c)
    assert (hold.state, hold.reasons, hold.exposure, hold.amount) == (
        "held",
        ["credit_limit"],
        D("34.00"),
        D("17.00"),
    )
    assert ledger.credit_hold_active(c) and not ledger.credit_hold_active(a)
    with pytest.raises(FinanceRefused):
        ledger.credit_hold_release(hold, user=UserFactory(), reason="x")
    with pytest.raises(FinanceInvalid):
        ledger.credit_hold_release(hold, user=finance_user(), reason="")
    fin = finance_user()
    released = ledger.credit_hold_release(hold, user=fin, reason="客户已承诺周五付款")
    assert (released.state, released.decided_by, released.override_reason) == (
        "released",
        fin,
        "客户已承诺周五付款",
    )
    assert released.history.first().history_user == fin
    assert not ledger.credit_hold_active(c)
    with pytest.raises(FinanceConflict):
        ledger.credit_hold_release(hold, user=fin, reason="again")


def _group(name):
    from django.contrib.auth.models import Group

    return [Group.objects.get_or_create(name=name)[0]]


def test_prepayment_ratio_and_amount_limit():
    """FIN-02: with a required prepayment ratio of 100 %, a 17.00 shipment needs 17.00 prepaid:
    a 20.00 top-up lets the first through (exposure −3.00); the second is held (prepayment).
    An amount limit of 10.00 holds any 17.00 shipment."""
    partner, _ = contract(account={"credit_limit": D("1000"), "prepayment_ratio": D("1")})
    user = UserFactory(is_superuser=True)
    ledger.ledger_post(partner, "top_up", D("20"), user=finance_user(), reason="预付")
    a, b = _shipment(partner), _shipment(partner)
    fees.shipment_fees_snapshot(a, user=user, on=DAY)
    assert not CreditHold.objects.filter(shipment=a).exists()
    fees.shipment_fees_snapshot(b, user=user, on=DAY)
    assert CreditHold.objects.get(shipment=b).reasons == ["prepayment"]
    other, _ = contract(account={"credit_limit": D("1000"), "max_shipment_amount": D("10")})
    s = _shipment(other)
    fees.shipment_fees_snapshot(s, user=user, on=DAY)
    assert CreditHold.objects.get(shipment=s).reasons == ["amount_limit"]


def test_credit_assessment_approved_by_a_manager():
    """FIN-02: finance records an assessment with its basis; a manager (another person)
    approves it and its limit and ratio become the partner's terms, with history."""
    partner, _ = contract()
    fin, boss = finance_user(), manager_user()
    assessment = ledger.credit_assessment_record(
        partner,
        user=fin,
        grade="B",
        basis="近6个月按时付款,月均运费 3万",
        credit_limit=D("30000"),
        prepayment_ratio=D("0.3"),
    )
    with pytest.raises(FinanceRefused):
        ledger.credit_assessment_decide(assessment, user=fin, approve=True)
    ledger.credit_assessment_decide(assessment, user=boss, approve=True)
    account = PartnerAccount.objects.get(partner=partner)
    assert (account.credit_limit, account.prepayment_ratio) == (D("30000.00"), D("0.300"))
    assert account.history.first().history_user == boss
    with pytest.raises(FinanceConflict):
        ledger.credit_assessment_decide(assessment, user=boss, approve=False)
    with pytest.raises(FinanceInvalid) as exc:
        ledger.credit_assessment_record(
            partner, user=fin, grade="B", basis="x", credit_limit=D("1"), prepayment_ratio=D("2")
        )
    assert "prepayment_ratio" in exc.value.message_dict
