"""Waybills: creation with a generated number, every state change, cancellation by stage.

Every transition goes through ``shipment_transition``: row lock, guard re-check, the acting
user's role permission, timestamps, history with user and reason, and the partner webhook.
"""

import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from courier.core.errors import StateConflict
from courier.core.services.notifications import notification_send, users_in_role
from courier.shipments import rules
from courier.shipments.models import DeskInstruction, Order, OrderRemark, Shipment


def partner_event_emit(partner, event_type: str, payload: dict) -> None:
    """The one place the shipments domain emits partner webhooks (inside the transaction)."""
    from courier.core.services.webhooks import webhook_event_emit

    webhook_event_emit(partner, event_type, payload)


def shipment_payload(shipment: Shipment) -> dict:
    return {
        "waybill_number": shipment.waybill_number,
        "partner_ref": shipment.order.partner_ref,
        "kind": shipment.kind,
        "state": shipment.state,
        "updated_at": shipment.updated_at.isoformat() if shipment.updated_at else None,
    }


def actor_name(user) -> str:
    if user is None:
        return _("system")
    employee = getattr(user, "employee", None)
    return employee.name if employee else (user.get_full_name() or user.get_username())


def order_remark_add(
    order: Order, text: str, *, user, kind: str = "note", red_flag: bool = False
) -> OrderRemark:
    remark = OrderRemark(order=order, text=text, author=user, kind=kind, red_flag=red_flag)
    remark._history_user = user
    remark.save()
    return remark


def desk_instruction_auto(shipment: Shipment, desk: str, text: str, *, user) -> DeskInstruction:
    """An instruction the system itself sends to a desk (SHP-12: never by voice)."""
    instruction = DeskInstruction(desk=desk, shipment=shipment, text=text, issued_by=user)
    instruction._history_user = user
    instruction.save()
    return instruction


# --- creation -------------------------------------------------------------------------------
def waybill_number_new() -> str:
    return rules.waybill_number_from(secrets.randbelow(10 ** (rules.WAYBILL_LENGTH - 2)))


def shipment_build(
    order: Order, *, user, cod_amount=0, kind: str = "original", dedicated_agent=None
) -> Shipment:
    """An unsaved waybill for ``order`` with a fresh number."""
    shipment = Shipment(
        waybill_number=waybill_number_new(),
        order=order,
        partner_id=order.partner_id,
        kind=kind,
        cod_amount=cod_amount,
        dedicated_agent=dedicated_agent,
    )
    shipment._history_user = user
    return shipment


def shipment_create(
    order: Order,
    *,
    user,
    cod_amount=0,
    kind: str = "original",
    dedicated_agent=None,
) -> Shipment:
    """A waybill for ``order`` with a fresh number (retried on the rare collision, in a
    savepoint)."""
    for _attempt in range(5):
        shipment = shipment_build(
            order, user=user, cod_amount=cod_amount, kind=kind, dedicated_agent=dedicated_agent
        )
        try:
            with transaction.atomic():
                shipment.save()
        except IntegrityError:
            if Shipment.objects.filter(waybill_number=shipment.waybill_number).exists():
                continue
            raise
        return shipment
    raise RuntimeError("could not allocate a waybill number")


# --- transitions ----------------------------------------------------------------------------
_TIMESTAMPS = {
    "printed": ["printed_at"],
    "picked_up": ["shipped_at"],
    "delivered": ["delivered_at", "completed_at"],
    "returned": ["completed_at"],
    "cancelled": ["completed_at"],
    "lost": ["completed_at"],
}


# FIN-02: printing (the start of dispatch) and the hand-over to the courier wait while finance
# holds the shipment for credit; a re-print too.
CREDIT_CHECKED_STEPS = frozenset({"print_waybill", "pick_up"})


def _credit_hold_error(locked: Shipment) -> StateConflict:
    return StateConflict(
        _(
            "Shipment %(w)s is held for credit: a finance role must release the hold "
            "before it is printed or dispatched."
        )
        % {"w": locked.waybill_number},
        code="credit_hold",
    )


def credit_hold_refuse(locked: Shipment) -> None:
    """Refuse to print or dispatch a shipment held for credit until finance releases it."""
    from courier.finance.services.ledger import credit_hold_active

    if credit_hold_active(locked):
        raise _credit_hold_error(locked)


def shipment_lock(shipment: Shipment) -> Shipment:
    return (
        Shipment.objects.select_for_update().select_related("order", "partner").get(pk=shipment.pk)
    )


def _step_refusal(locked: Shipment, name: str, user, *, held: bool | None = None):
    """Why transition ``name`` may not run now (the exception to raise), or None. ``held``: the
    credit hold already read for a batch; None reads it for this shipment."""
    method = getattr(locked, name)
    if not can_proceed(method):
        return StateConflict(
            _("A shipment in state “%(state)s” cannot do this.")
            % {"state": locked.get_state_display()}
        )
    if not has_transition_perm(method, user):
        return PermissionDenied(_("Your role may not do this to a shipment."))
    if name == "pick_up" and locked.needs_reprint:
        return StateConflict(_("The waybill must be re-printed first."), code="needs_reprint")
    if name in CREDIT_CHECKED_STEPS:
        if held is None:
            from courier.finance.services.ledger import credit_hold_active

            held = credit_hold_active(locked)
        if held:
            return _credit_hold_error(locked)
    return None


def _apply(locked: Shipment, name: str, *, user, reason: str = "", fields=()) -> Shipment:
    """Run transition ``name`` on a locked shipment and save it; the caller holds the lock."""
    refusal = _step_refusal(locked, name, user)
    if refusal is not None:
        raise refusal
    method = getattr(locked, name)
    old = locked.state
    method()
    now = timezone.now()
    changed = {"state", "updated_at", *fields}
    for field in _TIMESTAMPS.get(locked.state, []):
        setattr(locked, field, now)
        changed.add(field)
    if locked.state == "printed":
        locked.print_count += 1
        changed.add("print_count")
    locked._history_user = user
    locked._change_reason = (reason or f"{old} → {locked.state}")[:100]
    locked.save(update_fields=changed)
    if locked.state in LEFT_TRACKING:
        _tracking_close(locked, user=user)
    partner_event_emit(
        locked.partner,
        "shipment.status_changed",
        {**shipment_payload(locked), "previous_state": old},
    )
    return locked


def shipments_transition_paths(
    paths: dict[int, list[str]], *, user, reasons: dict[int, str]
) -> dict[int, tuple[Shipment, bool]]:
    """Many shipments, each along its own path of plain transitions, in the caller's
    transaction, at a cost that does not grow with their number (the tracking feed moves up to
    500 in one batch): one lock query for all of them in id order (``of=self``: the order and
    partner rows are not locked), the same guard re-check, permission, credit check and
    timestamps per step as ``shipment_transition``, one ``UPDATE`` for all, one history row per
    step (one ``INSERT``), one ``shipment.status_changed`` webhook per step (one query for the
    partners' endpoints, one ``INSERT`` of the events, one of their deliveries).

    A shipment whose path fails a step (state, permission, re-print, credit hold) is left as it
    is, as ``shipment_transition`` would roll it back. A path into a state that leaves tracking
    (recalled, returned, lost, cancelled) goes through ``shipment_transition`` one by one (its
    tracking close). Returns ``{id: (the shipment as now stored, whether it moved)}``."""
    import copy

    from courier.core.services.webhooks import webhook_endpoints_active, webhook_events_emit

    if not paths:
        return {}
    locked = {
        s.pk: s
        for s in Shipment.objects.select_for_update(of=("self",))
        .select_related("order", "partner")
        .filter(pk__in=list(paths))
        .order_by("pk")
    }
    from courier.finance.services.ledger import credit_holds_active

    credit_checked = [pk for pk, names in paths.items() if CREDIT_CHECKED_STEPS & set(names)]
    held = credit_holds_active(credit_checked) if credit_checked else set()
    now = timezone.now()
    result: dict[int, tuple[Shipment, bool]] = {}
    moved: list[Shipment] = []
    steps: list[Shipment] = []
    emits: list[tuple] = []
    single: list[int] = []
    for pk in sorted(locked):
        shipment = locked[pk]
        current, done, history, hooks = shipment, True, [], []
        for name in paths[pk]:
            step = copy.copy(current)
            if _step_refusal(step, name, user, held=pk in held) is not None:
                done = False
                break
            old = step.state
            getattr(step, name)()
            if step.state in LEFT_TRACKING:
                single.append(pk)
                break
            for field in _TIMESTAMPS.get(step.state, []):
                setattr(step, field, now)
            if step.state == "printed":
                step.print_count += 1
            step.updated_at = now
            step._history_user = user
            step._change_reason = (reasons.get(pk) or f"{old} → {step.state}")[:100]
            history.append(step)
            hooks.append((step, old))
            current = step
        if pk in single:
            continue
        if not done or current is shipment:
            result[pk] = (shipment, False)
            continue
        moved.append(current)
        steps.extend(history)
        emits.extend(hooks)
        result[pk] = (current, True)
    if moved:
        # Every step's timestamps are ``now``: the shipments that end in the same state with
        # the same timestamps set take one UPDATE (as many as such groups: a handful, whatever
        # the batch's size; Django's bulk_update builds a CASE per row and field, which cost
        # more than the rest of a 500-event batch).
        groups: dict[tuple, list[int]] = {}
        for shipment in moved:
            original = locked[shipment.pk]
            stamped = tuple(
                sorted(
                    field
                    for fields in _TIMESTAMPS.values()
                    for field in fields
                    if getattr(shipment, field) != getattr(original, field)
                )
            )
            prints = shipment.print_count - original.print_count
            groups.setdefault((shipment.state, stamped, prints), []).append(shipment.pk)
        for (state, stamped, prints), ids in groups.items():
            values = {"state": state, "updated_at": now, **dict.fromkeys(stamped, now)}
            if prints:
                values["print_count"] = F("print_count") + prints
            Shipment.objects.filter(pk__in=ids).update(**values)
        Shipment.history.bulk_history_create(steps, default_user=user, default_date=now)
        endpoints = webhook_endpoints_active({s.partner_id for s, _old in emits})
        webhook_events_emit(
            [
                (
                    step.partner,
                    "shipment.status_changed",
                    {**shipment_payload(step), "previous_state": old},
                )
                for step, old in emits
            ],
            endpoints=endpoints,
        )
    for pk in single:
        shipment = locked[pk]
        try:
            with transaction.atomic():
                for name in paths[pk]:
                    shipment = _apply(shipment, name, user=user, reason=reasons.get(pk, ""))
            result[pk] = (shipment, True)
        except (StateConflict, PermissionDenied):
            result[pk] = (Shipment.objects.select_related("order", "partner").get(pk=pk), False)
    return result


# Recalled, returned, lost or cancelled: tracking stops following the parcel (issue 19); the one
# list of it (tracking's UNTRACKED_STATES adds "delivered", which its events close themselves).
LEFT_TRACKING = ("returning", "returned", "lost", "cancelled")


def _tracking_close(shipment: Shipment, *, user) -> None:
    """Close the shipment's tracking row and cancel its open calls and chases (with the reason),
    in this transaction, through the tracking service. Imported here, not at the top:
    ``tracking.services`` imports the shipments services (the same cycle as delivery's
    ``_tracking_event``); only ``tracking.services`` is reached (the import-linter contract)."""
    from tracking.services import tracking_shipment_left

    tracking_shipment_left(shipment, user=user)


def shipment_transition(shipment: Shipment, name: str, *, user, reason: str = "") -> Shipment:
    """Any plain state change (print, pack, pick up, depart, arrive, send out, lost...)."""
    with transaction.atomic():
        return _apply(shipment_lock(shipment), name, user=user, reason=reason)


def shipment_reprint(shipment: Shipment, *, user) -> Shipment:
    """SHP-06: the printing desk re-prints a modified packed waybill."""
    with transaction.atomic():
        locked = shipment_lock(shipment)
        if not user.has_perm("courier.print_shipment"):
            raise PermissionDenied(_("Your role may not print waybills."))
        if locked.state not in ("printed", "packed"):
            raise StateConflict(_("Only a printed or packed waybill can be re-printed."))
        credit_hold_refuse(locked)
        locked.print_count += 1
        locked.needs_reprint = False
        locked.printed_at = timezone.now()
        locked._history_user = user
        locked._change_reason = "re-printed"
        locked.save(update_fields=["print_count", "needs_reprint", "printed_at", "updated_at"])
        return locked


# --- cancellation (SHP-07) ------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    route: str
    shipment: Shipment
    applied: bool


# What each route of a modification (SHP-06) or cancellation (SHP-07) did, as staff read it;
# the route codes themselves are never shown.
ROUTE_LABELS = {
    rules.MODIFY_EDIT: gettext_lazy("changed before printing"),
    rules.MODIFY_EDIT_PRINTED: gettext_lazy("changed on the printed papers"),
    rules.MODIFY_REPRINT: gettext_lazy("changed after packing: the parcel is re-printed"),
    rules.MODIFY_AFTERSALES: gettext_lazy("handed to after-sales"),
    rules.CANCEL_VOID: gettext_lazy("voided before printing"),
    rules.CANCEL_RETRIEVE: gettext_lazy("papers or parcel retrieved from the warehouse"),
    rules.CANCEL_RECALL: gettext_lazy("recalled by after-sales"),
}


def route_label(route: str) -> str:
    return str(ROUTE_LABELS.get(route, gettext_lazy("done")))


def aftersales_handoff(shipment: Shipment, subject: str, body: str, *, key: str) -> None:
    notification_send(
        users_in_role("aftersales"),
        subject,
        body,
        link=f"/admin/courier/shipment/{shipment.pk}/change/",
        dedupe_key=f"shipment:{shipment.pk}:{key}",
    )


def shipment_cancel(shipment: Shipment, *, user, reason: str = "") -> Outcome:
    """Void before printing; retrieve from the warehouse when printed or packed; hand a shipped
    parcel to after-sales for recall."""
    with transaction.atomic():
        locked = shipment_lock(shipment)
        route = rules.cancellation_route(locked.state)
        name = actor_name(user)
        today = timezone.localdate()
        if route == rules.CANCEL_REFUSED:
            raise StateConflict(
                _("A shipment in state “%(state)s” can no longer be cancelled.")
                % {"state": locked.get_state_display()}
            )
        if route == rules.CANCEL_RECALL:
            order_remark_add(
                locked.order,
                _(
                    "Customer requested cancellation after shipping; handed to after-sales — "
                    "%(date)s %(name)s"
                )
                % {"date": today.strftime("%Y.%m.%d"), "name": name},
                user=user,
                kind="cancellation",
                red_flag=True,
            )
            aftersales_handoff(
                locked,
                _("Recall requested for waybill %(number)s") % {"number": locked.waybill_number},
                reason,
                key="recall-requested",
            )
            return Outcome(route, locked, False)
        from courier.shipments.services.orderdesk import notice_text, refund_task_open

        was = locked.get_state_display()
        stage = rules.shipment_stage(locked.state)
        _apply(locked, "cancel", user=user, reason=reason or "cancelled")
        if route == rules.CANCEL_VOID:
            # SHP-07: the printing desk is told the order is void (P3: passed on at once).
            desk_instruction_auto(
                locked,
                DeskInstruction.Desk.PRINTING,
                notice_text(
                    "desk_void", order=locked.order.partner_ref, waybill=locked.waybill_number
                ),
                user=user,
            )
        # "确认已作废之后通知售后客服处理退款": the refund goes to after-sales, owner and due time.
        refund_task_open(locked, user=user, stage=stage)
        if route == rules.CANCEL_RETRIEVE:
            desk_instruction_auto(
                locked,
                DeskInstruction.Desk.WAREHOUSE,
                _(
                    "Retrieve the delivery note and waybill / parcel of %(number)s (%(state)s): "
                    "order cancelled, refund follows."
                )
                % {"number": locked.waybill_number, "state": was},
                user=user,
            )
        order_remark_add(
            locked.order,
            _("Customer requested cancellation (%(route)s), done — %(date)s %(name)s")
            % {"route": route_label(route), "date": today.strftime("%Y.%m.%d"), "name": name},
            user=user,
            kind="cancellation",
            red_flag=True,
        )
        return Outcome(route, locked, True)
