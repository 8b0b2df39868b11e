"""SHP-11 "定期整理订单记录，清理无效信息": the nightly clean-up of invalid records.

An order is *invalid* when it was never good enough to ship and nobody touched it for
``DispatchSettings.invalid_abandon_days`` days (default 30, edited in the admin): its
verification is still pending or failed (``exception``) and its only waybill is still
``created`` (never printed). Such waybills are voided through the ``cancel`` transition, so the
row stays (archived for queries and statistics) and its history records the clean-up with the
reason ``CLEANUP_REASON``. A completed shipment, or any shipment past ``created``, is never
touched; retention (anonymisation) is a separate job.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from courier.shipments.models import DispatchSettings, Shipment
from courier.shipments.services.shipments import _apply

CLEANUP_REASON = "SHP-11: invalid record clean-up"
INVALID_VERIFICATION = ("pending", "exception")


def invalid_shipments(now=None):
    """Waybills of abandoned invalid orders (see the module docstring)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=DispatchSettings.current().invalid_abandon_days)
    return Shipment.objects.filter(
        state="created",
        kind="original",
        completed_at__isnull=True,
        updated_at__lt=cutoff,
        order__verification__in=INVALID_VERIFICATION,
        order__updated_at__lt=cutoff,
    )


def invalid_records_cleanup(now=None, *, dry_run: bool = False, limit: int | None = None) -> dict:
    """Void the waybills of abandoned invalid orders; ``dry_run`` only counts them."""
    ids = list(invalid_shipments(now).order_by("pk").values_list("pk", flat=True)[:limit])
    if dry_run:
        return {"shipments_voided": len(ids), "dry_run": True}
    voided = 0
    for pk in ids:
        with transaction.atomic():
            locked = (
                invalid_shipments(now)
                .select_for_update(of=("self",))
                .select_related("order", "partner")
                .filter(pk=pk)
                .first()
            )
            if locked is None:  # changed since it was listed: no longer invalid
                continue
            _apply(locked, "cancel", user=None, reason=CLEANUP_REASON)
            voided += 1
    return {"shipments_voided": voided, "dry_run": False}
