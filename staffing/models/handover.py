"""Handover notes between shifts (STF-04)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .people import Employee


class HandoverNote(models.Model):
    """Open work written by the outgoing shift; acknowledged by someone on the next shift."""

    author = models.ForeignKey(
        Employee, verbose_name=_("author"), on_delete=models.PROTECT, related_name="handovers"
    )
    entry = models.ForeignKey(
        "staffing.RosterEntry",
        verbose_name=_("shift"),
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    body = models.TextField(_("open work"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        Employee,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers_acknowledged",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handover note")
        verbose_name_plural = _("handover notes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.author.name} {self.entry.date}"
