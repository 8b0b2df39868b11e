"""ORG-03, ORG-05: the register of chat (旺旺) and shop-system (E店宝) accounts and who holds each
one when, so that a chat log names the person who acted (P4, A1, ATT-03)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .people import Employee


class AccountSystem(models.TextChoices):
    WANGWANG = "wangwang", _("Wangwang chat")
    EDIANBAO = "edianbao", _("E-Dianbao shop system")


class AccountPurpose(models.TextChoices):
    PERSONAL = "personal", _("Personal account")
    MAIN = "main", _("Shop main account (supervisor)")
    PRESALES = "presales", _("Pre-sales account")
    AFTERSALES = "aftersales", _("After-sales account")
    ORDER_TRACKING = "order_tracking", _("Order-tracking account (printing desk)")


class SystemAccount(models.Model):
    """One chat or shop-system login ("一个专用旺旺帐号、一个专用E店宝帐号")."""

    system = models.CharField(_("system"), max_length=16, choices=AccountSystem.choices)
    handle = models.CharField(_("account name"), max_length=100)
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=AccountPurpose.choices, default=AccountPurpose.PERSONAL
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chat or shop-system account")
        verbose_name_plural = _("chat and shop-system accounts")
        ordering = ["system", "handle"]
        constraints = [
            models.UniqueConstraint(fields=["system", "handle"], name="systemaccount_once"),
        ]

    def __str__(self):
        return f"{self.get_system_display()} {self.handle}"


class AccountHolding(models.Model):
    """Who holds an account from ``starts_at`` until ``ends_at`` (open: still). Two people hold
    one account at once only with the supervisor's recorded approval (ORG-03's exception)."""

    account = models.ForeignKey(
        SystemAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="holdings"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="accounts"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    shared_approved_by = models.ForeignKey(
        Employee,
        verbose_name=_("shared use approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    shared_reason = models.TextField(_("reason for the shared use"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account holding")
        verbose_name_plural = _("account holdings")
        ordering = ["account", "-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="accountholding_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.account} → {self.employee}"
