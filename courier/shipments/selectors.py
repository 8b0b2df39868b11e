"""Reads of the shipments domain for a use case (querysets shaped for their screen or API)."""

from django.db.models import Prefetch

from courier.shipments.models import OrderLine, ReturnRequest, Shipment


def shipments_listing():
    """Shipments with their order: one query per page, whatever the lines or events."""
    return Shipment.objects.select_related("order")


def shipment_detail_queryset():
    """Shipments with order and goods lines: two queries per shipment, whatever the lines."""
    return Shipment.objects.select_related("order").prefetch_related(
        Prefetch("order__lines", queryset=OrderLine.objects.order_by("id"))
    )


def returns_listing():
    return ReturnRequest.objects.select_related("shipment", "exchange_shipment")


def shipments_all():
    """Every shipment: the base queryset of a link field that narrows it further (to the
    calling partner's, say)."""
    return Shipment.objects.all()
