"""The order desk (SHP-05, SHP-07, SHP-08, SHP-12..14): red-flag remarks confirmed with the
customer and passed to the printing desk, special requests, the refund hand-over after a void,
the warehouse's stock confirmation for urgent orders, the transport-mode choice and the printing
desk's dated and signed print batches.

Every write runs in a transaction with the rows it changes locked; the texts come from the
``RemarkTemplate`` rows (``rules.REMARK_TEMPLATES`` only if a row is missing).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, When
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.errors import StateConflict
from courier.core.services.notifications import notification_send
from courier.shipments import rules
from courier.shipments.models import (
    DeskInstruction,
    DispatchSettings,
    Order,
    OrderRemark,
    PrintBatch,
    RefundTask,
    RemarkTemplate,
    Shipment,
    StockConfirmation,
    TransportChoice,
    TransportModeRule,
)
from courier.shipments.services.shipments import actor_name, desk_instruction_auto

P_CONFIRM_STOCK = "courier.add_stockconfirmation"
P_PRINT_BATCH = "courier.add_printbatch"
P_REFUND_TASK = "courier.change_refundtask"
P_TRANSPORT = "courier.add_transportchoice"


# --- templates ------------------------------------------------------------------------------------
def template_text(key: str) -> str:
    row = RemarkTemplate.objects.filter(key=key).values_list("text", flat=True).first()
    return row if row is not None else rules.REMARK_TEMPLATES[key][1]


def remark_text(key: str, *, user, **values) -> str:
    """A signed remark: the template with today's date and the author's name (P4)."""
    return rules.remark_render(
        template_text(key), on=timezone.localdate(), name=actor_name(user), **values
    )


def notice_text(key: str, **values) -> str:
    return rules.remark_render(template_text(key), **values)


def order_shipment(order: Order) -> Shipment | None:
    """The order's own waybill (not an exchange), the live one first."""
    return (
        Shipment.objects.filter(order=order, kind="original")
        .order_by(Case(When(state="cancelled", then=1), default=0), "-id")
        .first()
    )


# --- remarks confirmed with the customer, passed to the printing desk (SHP-06, SHP-13) ------------
def _confirmation_check(via: str | None) -> None:
    if not via:
        raise ValidationError(
            {
                "confirmed_via": _(
                    "Confirm the change with the customer first, and say how it was confirmed."
                )
            }
        )
    if via not in OrderRemark.Via.values:
        raise ValidationError({"confirmed_via": _("Choose how the customer confirmed.")})


def remarks_pass_to_desk(
    remarks: list[OrderRemark], *, user, via: str, note: str, key: str, shipment=None, **values
) -> DeskInstruction:
    """Record the customer's confirmation on ``remarks`` (locked by the caller) and pass them to
    the printing desk as one system instruction (SHP-12: never by word of mouth)."""
    _confirmation_check(via)
    order = remarks[0].order
    shipment = shipment or order_shipment(order)
    text = notice_text(
        key, order=order.partner_ref, remarks="；".join(r.text for r in remarks), **values
    )
    instruction = desk_instruction_auto(shipment, DeskInstruction.Desk.PRINTING, text, user=user)
    now = timezone.now()
    for remark in remarks:
        remark.confirmed_at = now
        remark.confirmed_by = user
        remark.confirmed_via = via
        remark.confirmation_note = note or ""
        remark.desk_instruction = instruction
        remark.passed_to_desk_at = now
        remark._history_user = user
        remark.save(
            update_fields=[
                "confirmed_at",
                "confirmed_by",
                "confirmed_via",
                "confirmation_note",
                "desk_instruction",
                "passed_to_desk_at",
            ]
        )
    return instruction


def red_flag_remark_add(
    order: Order, text: str, *, user, kind: str, request_kind: str = "", desk: bool = True
) -> OrderRemark:
    remark = OrderRemark(
        order=order,
        text=text,
        kind=kind,
        red_flag=True,
        request_kind=request_kind,
        author=user,
        desk_notice_required=desk,
    )
    remark._history_user = user
    remark.save()
    return remark


def special_request_record(
    order: Order,
    *,
    user,
    request_kind: str,
    text: str,
    confirmed_via: str = "",
    note: str = "",
) -> OrderRemark:
    """SHP-13: the request written at once as a red-flag remark "客户要求××——date name"; once
    confirmed with the customer (now, or later with ``special_request_confirm``) the printing
    desk is told this ID has a special request. Until then it is listed as not passed on."""
    errors = {}
    if request_kind not in OrderRemark.RequestKind.values:
        errors["request_kind"] = _("Choose the kind of request.")
    if not (text or "").strip():
        errors["text"] = {
            "invoice": _("Ask the customer for the invoice title and write it."),
            "card": _("Ask the customer for the greeting card's text and write it."),
            "time": _("Ask the customer which time window and write it."),
        }.get(request_kind, _("Write what the customer asked for."))
    if confirmed_via and confirmed_via not in OrderRemark.Via.values:
        errors["confirmed_via"] = _("Choose how the customer confirmed.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        shipment = order_shipment(locked)
        if shipment is not None and shipment.state not in ("created", "printed", "packed"):
            raise StateConflict(
                _("Waybill %(n)s has already left (%(state)s): hand the request to after-sales.")
                % {"n": shipment.waybill_number, "state": shipment.get_state_display()}
            )
        remark = red_flag_remark_add(
            locked,
            remark_text(f"special_{request_kind}", user=user, text=text.strip()),
            user=user,
            kind=OrderRemark.Kind.SPECIAL_REQUEST,
            request_kind=request_kind,
        )
        if confirmed_via:
            remarks_pass_to_desk(
                [remark], user=user, via=confirmed_via, note=note, key="desk_special"
            )
        return remark


def special_request_confirm(remark: OrderRemark, *, user, via: str, note: str = ""):
    """SHP-13: confirmed with the customer, then the printing desk is told at once."""
    _confirmation_check(via)
    with transaction.atomic():
        locked = OrderRemark.objects.select_for_update().select_related("order").get(pk=remark.pk)
        if not locked.desk_notice_required:
            raise StateConflict(_("This remark is not passed to the printing desk."))
        if locked.passed_to_desk_at is not None:
            raise StateConflict(
                _("This remark was already confirmed and passed to the printing desk.")
            )
        remarks_pass_to_desk([locked], user=user, via=via, note=note, key="desk_special")
        return locked


def remarks_not_passed_on():
    """P1/P2: red-flag remarks the printing desk has not been told of."""
    return OrderRemark.objects.filter(desk_notice_required=True, passed_to_desk_at__isnull=True)


# --- cancellation: the refund goes to after-sales (SHP-07) ----------------------------------------
def aftersales_owner():
    """The active after-sales person with the fewest open refund tasks (then the longest
    serving); None when the team is empty (the task shows as unassigned)."""
    people = list(
        get_user_model().objects.filter(groups__name="aftersales", is_active=True).order_by("pk")
    )
    if not people:
        return None
    load = dict(
        RefundTask.objects.filter(state=RefundTask.State.OPEN, owner__in=people)
        .values_list("owner")
        .annotate(n=Count("pk"))
    )
    return min(people, key=lambda u: (load.get(u.pk, 0), u.pk))


def refund_task_open(shipment: Shipment, *, user, stage: str) -> RefundTask:
    """Inside the cancellation's transaction: the task, its owner and due time, the owner told."""
    order = shipment.order
    owner = aftersales_owner()
    hours = DispatchSettings.current().refund_task_hours
    task = RefundTask(
        order=order,
        shipment=shipment,
        stage=stage,
        text=notice_text("refund_task", order=order.partner_ref, waybill=shipment.waybill_number),
        owner=owner,
        due_at=timezone.now() + dt.timedelta(hours=hours),
        created_by=user,
    )
    task._history_user = user
    task.save()
    if owner is not None:
        notification_send(
            [owner],
            task.text,
            _("Refund due by %(due)s.")
            % {"due": timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")},
            link=f"/admin/courier/refundtask/{task.pk}/change/",
            dedupe_key=f"refundtask:{task.pk}",
            email=False,
        )
    return task


def _task_lock(task: RefundTask) -> RefundTask:
    return RefundTask.objects.select_for_update().get(pk=task.pk)


def refund_task_done(task: RefundTask, *, user, note: str) -> RefundTask:
    """After-sales reports the refund handled."""
    if not user.has_perm(P_REFUND_TASK):
        raise PermissionDenied(_("Only after-sales handles the refund."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say how the refund was handled.")})
    with transaction.atomic():
        locked = _task_lock(task)
        if locked.state == RefundTask.State.DONE:
            raise StateConflict(_("This refund was already handled."))
        locked.state = RefundTask.State.DONE
        locked.done_at = timezone.now()
        locked.done_by = user
        locked.note = note
        locked._history_user = user
        locked.save(update_fields=["state", "done_at", "done_by", "note"])
        return locked


def refund_task_dispose(task: RefundTask, *, user, disposition: str) -> RefundTask:
    """Once the refund is handled the retrieved papers are torn up, or the goods handed to the
    warehouse back into stock ("直接撕毁或者直接交由仓库员入库")."""
    if not user.has_perm(P_REFUND_TASK):
        raise PermissionDenied(_("Only after-sales or the warehouse records this."))
    with transaction.atomic():
        locked = _task_lock(task)
        allowed = rules.retrieval_dispositions(locked.stage)
        if not allowed:
            raise StateConflict(_("Nothing was retrieved for this order."))
        if locked.disposition:
            raise StateConflict(_("What became of the retrieved papers is already recorded."))
        if locked.state != RefundTask.State.DONE:
            raise StateConflict(
                _("Handle the refund first: the papers are torn up or the goods restocked after.")
            )
        if disposition not in allowed:
            raise ValidationError(
                {"disposition": _("Only printed papers were retrieved: they are torn up.")}
            )
        locked.disposition = disposition
        locked.disposed_at = timezone.now()
        locked.disposed_by = user
        locked._history_user = user
        locked.save(update_fields=["disposition", "disposed_at", "disposed_by"])
        return locked


# --- urgent orders: the warehouse confirms stock before a date is promised (SHP-08, SHP-13) -------
def order_urgent_mark(order: Order, *, user) -> DeskInstruction:
    """The customer is in a hurry: no date is promised until the warehouse answers; the
    warehouse is asked through the system."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.urgent:
            raise StateConflict(_("This order is already marked urgent."))
        locked.urgent = True
        locked.promised_dispatch_date = None
        locked._history_user = user
        locked._change_reason = "urgent: stock to be confirmed by the warehouse"
        locked.save(update_fields=["urgent", "promised_dispatch_date", "updated_at"])
        goods = "，".join(
            rules.goods_description(x.name, [x.colour, x.size, x.specification], x.quantity)
            for x in locked.lines.all()
        )
        return desk_instruction_auto(
            order_shipment(locked),
            DeskInstruction.Desk.WAREHOUSE,
            notice_text("warehouse_stock", order=locked.partner_ref, goods=goods),
            user=user,
        )


def stock_confirm(order: Order, *, user, in_stock: bool, note: str = "") -> StockConfirmation:
    """The warehouse's answer, recorded with who and when."""
    if not user.has_perm(P_CONFIRM_STOCK):
        raise PermissionDenied(_("Only the warehouse confirms stock."))
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        confirmation = StockConfirmation.objects.create(
            order=locked, in_stock=in_stock, note=note or "", confirmed_by=user
        )
        if locked.in_stock != in_stock:
            locked.in_stock = in_stock
            locked._history_user = user
            locked._change_reason = "stock confirmed by the warehouse"
            locked.save(update_fields=["in_stock", "updated_at"])
        return confirmation


def order_dispatch_promise(order: Order, *, user) -> dt.date:
    """The dispatch date told to the customer (SHP-08's rule); an urgent order's only after the
    warehouse confirmed the stock, counted from that confirmation."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        settings_row = DispatchSettings.current()
        at = timezone.localtime(locked.paid_at)
        in_stock = locked.in_stock
        if locked.urgent:
            confirmation = locked.stock_confirmations.order_by("-id").first()
            if confirmation is None:
                raise StateConflict(
                    _(
                        "An urgent order is given a dispatch date only after the warehouse has "
                        "confirmed the stock."
                    ),
                    code="stock_unconfirmed",
                )
            at = max(at, timezone.localtime(confirmation.confirmed_at))
            in_stock = confirmation.in_stock
        promised = rules.promised_dispatch_date(
            at,
            in_stock=in_stock,
            made_to_order=locked.made_to_order,
            cutoff=settings_row.cutoff_time,
            made_to_order_hours=settings_row.made_to_order_hours,
        )
        locked.promised_dispatch_date = promised
        locked._history_user = user
        locked._change_reason = "dispatch date promised"
        locked.save(update_fields=["promised_dispatch_date", "updated_at"])
        return promised


# --- transport mode (SHP-05) ----------------------------------------------------------------------
def cargo_facts(order: Order, *, now=None) -> rules.CargoFacts:
    now = now or timezone.now()
    hours = None
    if order.required_arrival_at is not None:
        hours = (order.required_arrival_at - now).total_seconds() / 3600
    return rules.CargoFacts(order.weight_kg, order.dangerous_goods, order.fragile, hours)


def transport_mode_suggestion(order: Order) -> rules.ModeSuggestion:
    mode_rules = [r.as_rule() for r in TransportModeRule.objects.filter(active=True)]
    return rules.transport_mode_suggest(cargo_facts(order), mode_rules)


def transport_mode_check(order: Order, mode: str) -> None:
    if rules.transport_mode_problem(mode, dangerous_goods=order.dangerous_goods):
        raise ValidationError({"transport_mode": _("Dangerous goods cannot go by air.")})


def transport_mode_choose(
    order: Order, *, user, mode: str, ground: str, reason: str
) -> TransportChoice:
    """The choice and its ground recorded with who and why, next to what the rules suggested."""
    if not user.has_perm(P_TRANSPORT):
        raise PermissionDenied(_("Your role may not choose the transport mode."))
    errors = {}
    if mode not in dict(Order._meta.get_field("transport_mode").choices):
        errors["mode"] = _("Choose a transport mode.")
    if ground not in dict(TransportChoice._meta.get_field("ground").choices):
        errors["ground"] = _("Choose the ground: cost, time, safety or the customer's requirement.")
    if not (reason or "").strip():
        errors["reason"] = _("Say why this mode was chosen.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if rules.transport_mode_problem(mode, dangerous_goods=locked.dangerous_goods):
            raise ValidationError({"mode": _("Dangerous goods cannot go by air.")})
        shipment = order_shipment(locked)
        if shipment is not None and shipment.state not in ("created", "printed", "packed"):
            raise StateConflict(_("The goods have left: the transport mode can no longer change."))
        choice = TransportChoice.objects.create(
            order=locked,
            mode=mode,
            ground=ground,
            reason=reason.strip(),
            suggested_mode=transport_mode_suggestion(locked).mode,
            chosen_by=user,
        )
        if locked.transport_mode != mode:
            locked.transport_mode = mode
            locked._history_user = user
            locked._change_reason = f"transport mode: {ground}"
            locked.save(update_fields=["transport_mode", "updated_at"])
        return choice


# --- print batches (SHP-14, D1) -------------------------------------------------------------------
def _day_bounds(day: dt.date):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    return start, start + dt.timedelta(days=1)


def print_batch_sign(
    kind: str, day: dt.date, *, user, signed_name: str = "", stored_at: str = ""
) -> PrintBatch:
    """The day's printed waybills (or exchange shipments) clipped together: the daily batch
    dated and signed by the printer, the exchange batch dated. Late prints (after D1's deadline)
    are counted on the sheet."""
    if not user.has_perm(P_PRINT_BATCH):
        raise PermissionDenied(_("Only the printing desk signs print batches."))
    if kind not in PrintBatch.Kind.values:
        raise ValidationError({"kind": _("Choose the daily print batch or the exchange batch.")})
    if kind == PrintBatch.Kind.DAILY and not (signed_name or "").strip():
        raise ValidationError(
            {"signed_name": _("The daily print batch carries the printer's signature.")}
        )
    if day > timezone.localdate():
        raise ValidationError({"batch_date": _("A batch is signed on or after its day.")})
    start, end = _day_bounds(day)
    shipment_kind = "exchange" if kind == PrintBatch.Kind.EXCHANGE else "original"
    with transaction.atomic():
        shipments = list(
            Shipment.objects.select_for_update()
            .filter(kind=shipment_kind, printed_at__gte=start, printed_at__lt=end)
            .order_by("printed_at", "pk")
        )
        if not shipments:
            raise ValidationError(
                {"batch_date": _("Nothing was printed on %(day)s.") % {"day": day.isoformat()}}
            )
        if PrintBatch.objects.filter(kind=kind, batch_date=day).exists():
            raise StateConflict(_("This day's batch is already signed."))
        deadline = DispatchSettings.current().print_deadline
        late = sum(
            not rules.printed_on_time(timezone.localtime(s.printed_at), day, deadline)
            for s in shipments
        )
        try:
            # Two desks signing at once: the unique (kind, day) decides, the loser is told.
            with transaction.atomic():
                batch = PrintBatch.objects.create(
                    kind=kind,
                    batch_date=day,
                    signed_name=(signed_name or "").strip(),
                    signed_by=user,
                    stored_at=stored_at or "",
                    print_deadline=deadline,
                    late_count=late,
                )
        except IntegrityError:
            raise StateConflict(_("This day's batch is already signed.")) from None
        batch.shipments.set(shipments)
        return batch
