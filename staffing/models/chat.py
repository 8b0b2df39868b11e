"""ATT-03: the chat account stays online on duty; approved offline time; observed breaches."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .people import Employee


class ChatOfflineApproval(models.Model):
    """The supervisor's approval to go offline or invisible for a while (ATT-03)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approved chat offline time")
        verbose_name_plural = _("approved chat offline times")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="chat_offline_order"
            ),
        ]

    def __str__(self):
        return f"{self.employee.name} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class ChatStatusBreach(models.Model):
    """An observed breach: offline/invisible on duty (G3) or shown online while away (G3b)."""

    class Kind(models.TextChoices):
        OFFLINE = "offline", _("Offline, invisible or ignoring customers on duty")
        AWAY_ONLINE = "away_online", _("Shown online while away from the post")

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    observed_at = models.DateTimeField(_("observed at"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chat status breach")
        verbose_name_plural = _("chat status breaches")
        ordering = ["-observed_at"]

    def __str__(self):
        return f"{self.employee.name} {self.get_kind_display()} {self.observed_at:%Y-%m-%d %H:%M}"
