"""Waybills and their state machine; desk instructions (SHP-06, SHP-07, SHP-12)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from courier.shipments import rules


class ShipmentState(models.TextChoices):
    CREATED = "created", _("Created")
    PRINTED = "printed", _("Printed")
    PACKED = "packed", _("Packed")
    PICKED_UP = "picked_up", _("Picked up")
    IN_TRANSIT = "in_transit", _("In transit")
    AT_STATION = "at_station", _("Arrived at station")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
    RETURNING = "returning", _("Returning")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")
    LOST = "lost", _("Lost")


# django-fsm wants a list of sources; the set itself is the rule (rules.SHIPPED_STATES).
SHIPPED_SOURCES = sorted(rules.SHIPPED_STATES)
COMPLETED = ["delivered", "returned", "cancelled", "lost"]

P_PRINT = "courier.print_shipment"
P_PACK = "courier.pack_shipment"
P_MOVE = "courier.move_shipment"
P_DELIVER = "courier.deliver_shipment"
P_CANCEL = "courier.cancel_shipment"
P_RECALL = "courier.recall_shipment"
P_LOST = "courier.mark_shipment_lost"


class Shipment(ConcurrentTransitionMixin, models.Model):
    """A waybill. ``state`` changes only through transitions called by services."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Original")
        EXCHANGE = "exchange", _("Exchange")

    waybill_number = models.CharField(_("waybill number"), max_length=12, unique=True)
    order = models.ForeignKey(
        "courier.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="shipments"
    )
    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="shipments",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default="original")
    state = FSMField(
        _("state"), default="created", choices=ShipmentState.choices, protected=True, db_index=True
    )
    cod_amount = models.DecimalField(
        _("cash on delivery"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # DLV-01/03: the origin's dedicated customer-service agent for this waybill.
    dedicated_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dedicated agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dedicated_shipments",
    )
    print_count = models.PositiveSmallIntegerField(_("times printed"), default=0)
    needs_reprint = models.BooleanField(_("needs re-print"), default=False)
    printed_at = models.DateTimeField(_("printed at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    # History is read by the shipment's id only; every other index there would be paid on each
    # transition of the busiest table.
    history = HistoricalRecords(
        no_db_index=[
            "waybill_number",
            "order",
            "partner",
            "state",
            "dedicated_agent",
            "completed_at",
            "created_at",
            "updated_at",
        ]
    )

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-id"]
        permissions = [
            ("print_shipment", _("Can print waybills")),
            ("pack_shipment", _("Can pack shipments")),
            ("move_shipment", _("Can record pick-up, transit and station arrival")),
            ("deliver_shipment", _("Can record deliveries")),
            ("cancel_shipment", _("Can cancel shipments")),
            ("recall_shipment", _("Can recall shipped parcels (after-sales)")),
            ("mark_shipment_lost", _("Can mark shipments lost")),
        ]
        indexes = [
            models.Index(fields=["partner", "-id"]),
            models.Index(fields=["partner", "updated_at"]),
        ]

    def __str__(self):
        return self.waybill_number

    @property
    def is_shipped(self) -> bool:
        return self.state in rules.SHIPPED_STATES

    # --- transitions: state only; services do timestamps, saves and side effects ---
    @transition(field=state, source="created", target="printed", permission=P_PRINT)
    def print_waybill(self):
        pass

    @transition(field=state, source="printed", target="packed", permission=P_PACK)
    def pack(self):
        pass

    @transition(field=state, source="packed", target="picked_up", permission=P_MOVE)
    def pick_up(self):
        pass

    @transition(field=state, source="picked_up", target="in_transit", permission=P_MOVE)
    def depart(self):
        pass

    @transition(field=state, source="in_transit", target="at_station", permission=P_MOVE)
    def arrive_at_station(self):
        pass

    @transition(
        field=state,
        source=["at_station", "delivery_failed"],
        target="out_for_delivery",
        permission=P_MOVE,
    )
    def send_out(self):
        pass

    @transition(field=state, source="out_for_delivery", target="delivered", permission=P_DELIVER)
    def deliver(self):
        pass

    @transition(field=state, source="at_station", target="delivered", permission=P_DELIVER)
    def hand_over_at_counter(self):
        pass

    @transition(
        field=state, source="out_for_delivery", target="delivery_failed", permission=P_DELIVER
    )
    def fail_delivery(self):
        pass

    @transition(field=state, source=["created", "printed", "packed"], target="cancelled")
    def cancel(self):
        pass

    @transition(field=state, source=SHIPPED_SOURCES, target="returning", permission=P_RECALL)
    def recall(self):
        pass

    @transition(
        field=state, source="returning", target="returned", permission="courier.change_recallslip"
    )
    def receive_back(self):
        pass

    @transition(
        field=state, source=[*SHIPPED_SOURCES, "returning"], target="lost", permission=P_LOST
    )
    def mark_lost(self):
        pass


class DeskInstruction(FSMModelMixin, models.Model):
    """SHP-12: instructions to the printing desk or warehouse go through the system, never by
    voice; the desk acknowledges and reports back when done. Urgent ones carry name and date."""

    class Desk(models.TextChoices):
        PRINTING = "printing", _("Printing desk")
        WAREHOUSE = "warehouse", _("Warehouse")

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DONE = "done", _("Done")

    desk = models.CharField(_("desk"), max_length=10, choices=Desk.choices)
    shipment = models.ForeignKey(
        Shipment,
        verbose_name=_("shipment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="desk_instructions",
    )
    text = models.TextField(_("instruction"))
    urgent = models.BooleanField(_("urgent"), default=False)
    signed_name = models.CharField(_("signed name"), max_length=100, blank=True)
    signed_on = models.DateField(_("signed date"), null=True, blank=True)
    state = FSMField(_("state"), default="sent", choices=State.choices, protected=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    feedback = models.TextField(_("done feedback"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("desk instruction")
        verbose_name_plural = _("desk instructions")
        ordering = ["-urgent", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(urgent=False) | (~Q(signed_name="") & Q(signed_on__isnull=False)),
                name="deskinstruction_urgent_signed",
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | ~Q(feedback=""), name="deskinstruction_done_feedback"
            ),
        ]
        indexes = [models.Index(fields=["desk", "state"])]

    def __str__(self):
        return self.text[:60]

    @transition(field=state, source="sent", target="acknowledged")
    def acknowledge(self):
        pass

    @transition(field=state, source=["sent", "acknowledged"], target="done")
    def complete(self):
        pass
