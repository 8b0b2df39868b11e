"""Reads of the shipments domain for a use case (querysets shaped for their screen or API)."""

from django.db.models import Prefetch

from courier.shipments.models import OrderLine, ReturnRequest, Shipment


def shipments_listing():
    """Shipments with their order: one query per page, whatever the lines or events."""
    return Shipment.objects.select_related("order")


def shipment_detail_queryset():
    """Shipments with order, goods lines and fee lines: three queries, whatever the lines."""
    from courier.finance.selectors import fee_lines_in_order

    return Shipment.objects.select_related("order").prefetch_related(
        Prefetch("order__lines", queryset=OrderLine.objects.order_by("id")),
        Prefetch("fee_lines", queryset=fee_lines_in_order()),
    )


def returns_listing():
    return ReturnRequest.objects.select_related("shipment", "exchange_shipment")


def shipments_all():
    """Every shipment: the base queryset of a link field that narrows it further (to the
    calling partner's, say)."""
    return Shipment.objects.all()


ORDER_PROCESSING_HOURS = 24


def orders_processed_by_day(start, end, tz) -> dict:
    """CMP-12, measured from the orders' own timestamps: per local day of payment
    (``start``..``end`` inclusive, sandbox partners left out), the orders paid that day and
    those processed within 24 h (a shipment of the order shipped no later than 24 h after
    payment). A day is final 24 h after it ends. ``{day: {"received": n, "within": n}}``, days
    with orders only. One query."""
    import datetime as dt

    from django.db.models import Count, Exists, OuterRef, Q
    from django.db.models.functions import TruncDate

    from courier.shipments.models import Order

    since = dt.datetime.combine(start, dt.time(0), tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    shipped_in_time = Shipment.objects.filter(
        order_id=OuterRef("pk"),
        shipped_at__isnull=False,
        shipped_at__lte=OuterRef("paid_at") + dt.timedelta(hours=ORDER_PROCESSING_HOURS),
    )
    rows = (
        Order.objects.filter(paid_at__gte=since, paid_at__lt=until, partner__is_sandbox=False)
        .annotate(day=TruncDate("paid_at", tzinfo=tz), in_time=Exists(shipped_in_time))
        .order_by()
        .values("day")
        .annotate(received=Count("pk"), within=Count("pk", filter=Q(in_time=True)))
    )
    return {r["day"]: {"received": r["received"], "within": r["within"]} for r in rows}
