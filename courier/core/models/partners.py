from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Partner(models.Model):
    """An e-commerce merchant that ships with us and uses the partner API."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9_-]+$", _("Use capital letters, digits, - and _."))],
    )
    name = models.CharField(_("name"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_vip = models.BooleanField(_("VIP"), default=False)
    # DLV-06: completed waybills kept 2 years by default (1 year for some accounts).
    retention_years = models.PositiveSmallIntegerField(
        _("data retention (years)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    # Requests made with this partner's API keys act as this user, so history names an actor.
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_service",
    )
    # The sandbox: a partner's test keys belong to a sandbox partner row linked to it, so the
    # partner filter of every endpoint keeps test data apart from live data by itself.
    is_sandbox = models.BooleanField(_("sandbox"), default=False, editable=False)
    live_partner = models.OneToOneField(
        "self",
        verbose_name=_("live partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="sandbox",
    )
    sandbox_keep_days = models.PositiveSmallIntegerField(
        _("sandbox data kept (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Sandbox data older than this is deleted by the nightly cleanup."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["code"]
        # DLV-06: how long a partner's data is kept is the manager's decision (issue 12).
        permissions = [("set_partner_retention", _("Can set a partner's data retention"))]

    def __str__(self):
        return f"{self.code} {self.name}"
