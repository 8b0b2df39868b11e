"""Reusable filters of the shipments domain."""

from django.db import models


class ShipmentQuerySet(models.QuerySet):
    def for_partner(self, partner):
        return self.filter(partner=partner)

    def completed(self):
        return self.filter(completed_at__isnull=False)

    def shipped(self):
        from courier.models.shipments import SHIPPED

        return self.filter(state__in=SHIPPED)

    def with_order(self):
        return self.select_related("order", "partner")
