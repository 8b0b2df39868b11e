"""Which workflow steps a person may take on a shipments-domain object now (read-only).

The admin offers exactly these as buttons; each step's service re-checks the state (and the
person's permission) under the row lock, so a stale page is refused there with a message.
States come from the model's ``@transition`` declarations where a step is one transition.
"""

from __future__ import annotations

from django_fsm import can_proceed, has_transition_perm

from courier.shipments import rules

# Plain state changes pressed as buttons (each one FSM transition with its own permission).
SHIPMENT_TRANSITIONS = (
    "print_waybill",
    "pack",
    "pick_up",
    "depart",
    "arrive_at_station",
    "send_out",
    "mark_lost",
)
# SHP-07: before shipping a cancel applies at once; after shipping it goes to after-sales.
CANCEL_STATES = frozenset({"created", "printed", "packed", *rules.SHIPPED_STATES})
INBOUND_STATES = frozenset({"in_transit", "at_station"})
OUTBOUND_STATES = frozenset({"at_station", "delivery_failed"})
RETURN_RECEIVE_STATES = frozenset({"in_transit", "exchange_shipped"})
EARLY_EXCHANGE_STATES = frozenset({"approved", "in_transit"})

P_RECEIVE_CASH = "courier.receive_cashhandover"
P_EARLY_EXCHANGE = "courier.approve_early_dispatch"


def transition_possible(obj, name: str, user) -> bool:
    method = getattr(obj, name)
    return can_proceed(method) and has_transition_perm(method, user)


def _state_possible(obj, name: str) -> bool:
    return can_proceed(getattr(obj, name))


def shipment_steps_available(shipment, user) -> set[str]:
    names = {t for t in SHIPMENT_TRANSITIONS if transition_possible(shipment, t, user)}
    if shipment.needs_reprint:
        names.discard("pick_up")  # the service refuses until it is re-printed
    names |= {"exception", "instruct"}
    if rules.modification_route(shipment.state) != rules.MODIFY_REFUSED:
        names.add("modify")  # SHP-06: a finished shipment has nothing left to change
    if (
        shipment.needs_reprint
        and shipment.state in ("printed", "packed")
        and user.has_perm("courier.print_shipment")
    ):
        names.add("reprint")
    if shipment.state in CANCEL_STATES:
        names.add("cancel")
    if shipment.state in INBOUND_STATES:
        names.add("inbound")
    if shipment.state in OUTBOUND_STATES:
        names.add("outbound")
    if shipment.state == "at_station":
        names.add("counter_pickup")
    if shipment.completed_at is None:
        names.add("authorise")
    if shipment.state == "out_for_delivery":
        names.add("attempt")
    if transition_possible(shipment, "recall", user):
        names.add("recall")
    if shipment.state == "delivered":
        names.add("return_request")
    return names


def desk_instruction_steps_available(instruction, user=None) -> set[str]:
    return {n for n in ("acknowledge", "complete") if _state_possible(instruction, n)}


def order_exception_steps_available(exception, user=None) -> set[str]:
    return {n for n in ("contact", "resolve") if _state_possible(exception, n)}


def delivery_exception_steps_available(exception, user=None) -> set[str]:
    return {n for n in ("handle", "close") if _state_possible(exception, n)}


def cash_handover_steps_available(handover, user) -> set[str]:
    """COD cash is received by finance, once."""
    if handover.handed_to_finance_at is None and user.has_perm(P_RECEIVE_CASH):
        return {"receive"}
    return set()


def return_request_steps_available(rr, user) -> set[str]:
    names = {n for n in ("approve", "reject") if _state_possible(rr, n)}
    if _state_possible(rr, "register_return_waybill"):
        names.add("register")
    if rr.quality_problem and rr.photo_verified_at is None and rr.photo_waived_at is None:
        names.add("verify_photo")
        if rr.state == "requested":
            names.add("waive_photo")
    if rr.received_at is None and rr.state in RETURN_RECEIVE_STATES:
        names.add("receive")
    if rr.kind == "return" and _state_possible(rr, "refund"):
        names.add("refund")
    if rr.kind == "exchange":
        if rr.state in EARLY_EXCHANGE_STATES and user.has_perm(P_EARLY_EXCHANGE):
            names.add("early")
        if not rr.exchange_shipment_id and _state_possible(rr, "ship_exchange"):
            names.add("ship_exchange")
    return names


def recall_slip_steps_available(slip, user=None) -> set[str]:
    names = set()
    if _state_possible(slip, "receive_original"):
        names.add("received")
    if _state_possible(slip, "refund"):
        names.add("refund")
    return names


def outcome_handed_to_aftersales(outcome) -> bool:
    """SHP-06/07: a change asked for after shipping went to after-sales instead."""
    return outcome.route in (rules.MODIFY_AFTERSALES, rules.CANCEL_RECALL)
