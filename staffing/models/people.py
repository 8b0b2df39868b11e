from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Department(models.Model):
    """ORG-01: GM office, HR, finance, operations, customer service, customer development."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Position(models.TextChoices):
    """ORG-02: the reporting line and the roles within customer service."""

    AGENT = "agent", _("CS agent")
    PRESALES = "presales", _("Pre-sales")
    AFTERSALES = "aftersales", _("After-sales")
    PRINTING = "printing", _("Printing desk")
    WAREHOUSE = "warehouse", _("Warehouse")
    SUPERVISOR = "supervisor", _("CS supervisor")
    PLATFORM_SUPERVISOR = "platform_supervisor", _("Platform supervisor")
    MANAGER = "manager", _("CS manager")
    HQ = "hq", _("Headquarters")
    FINANCE = "finance", _("Finance")
    # ORG-04: the roles outside the CS line that the source documents name.
    INFO_CLERK = "info_clerk", _("Information clerk")
    SALESPERSON = "salesperson", _("Salesperson")
    STATION_HEAD = "station_head", _("Station head")
    SENIOR_AGENT = "senior_agent", _("Senior CS representative")


class Employee(models.Model):
    """A person's profile, one per login (ORG-03): no shared accounts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        related_name="employee",
    )
    number = models.CharField(_("employee number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="employees",
    )
    position = models.CharField(_("position"), max_length=32, choices=Position.choices)
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("direct supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    # LEV-05 / G4: absence costs one day's average wage.
    daily_wage = models.DecimalField(
        _("daily average wage"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The UI language this person last chose with the header's switch; applied at each login.
    language = models.CharField(
        _("language"), max_length=16, blank=True, default="", choices=settings.LANGUAGES
    )
    history = HistoricalRecords(excluded_fields=["language"])

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("pk")), name="employee_not_own_supervisor"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"
