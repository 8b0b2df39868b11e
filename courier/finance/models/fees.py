"""Fee schedules (FIN-01) as versioned data, the finance settings, partner accounts, and each
shipment's snapshot of its fee lines."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from courier.finance import rules

MONEY = {"max_digits": 12, "decimal_places": 2}
KG = {"max_digits": 9, "decimal_places": 3}
POSITIVE = [MinValueValidator(Decimal("0.001"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
SHARE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class FeeMode(models.TextChoices):
    """Transport modes a schedule prices (the shipments domain's modes, plus express)."""

    ROAD = "road", _("Road")
    AIR = "air", _("Air")
    RAIL = "rail", _("Rail")
    SEA = "sea", _("Sea")
    EXPRESS = "express", _("Express")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


class FinanceSettings(models.Model):
    """The finance numbers that are not per schedule or per partner (one row, pk=1)."""

    max_weight_kg = models.DecimalField(
        _("largest accepted weight (kg)"), **KG, default=Decimal("5000"), validators=POSITIVE
    )
    max_dimension_cm = models.DecimalField(
        _("largest accepted dimension (cm)"),
        max_digits=7,
        decimal_places=1,
        default=Decimal("600"),
        validators=POSITIVE,
    )
    credit_warn_share = models.DecimalField(
        _("warn at share of the credit limit"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.800"),
        validators=SHARE,
        help_text=_("FIN-02: finance is warned when exposure reaches this share of the limit."),
    )
    dispute_due_days = models.PositiveSmallIntegerField(
        _("disputes answered within (days)"), default=7, validators=[MinValueValidator(1)]
    )
    statement_confirm_days = models.PositiveSmallIntegerField(
        _("partner confirms a statement within (days)"), default=10
    )
    payment_due_days = models.PositiveSmallIntegerField(
        _("statement payable within (days)"), default=30
    )
    weight_tolerance_kg = models.DecimalField(
        _("weight tolerance in reconciliation (kg)"), **KG, default=Decimal("0")
    )
    ageing_buckets = models.CharField(
        _("ageing buckets (days)"),
        max_length=50,
        default="30,60,90",
        help_text=_("Upper bounds of the receivables ageing buckets, comma-separated."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finance settings")
        verbose_name_plural = _("finance settings")
        permissions = [
            ("manage_finance", _("Can keep fee schedules, ledgers, statements and bank lines")),
            ("approve_finance", _("Can approve credit assessments and dispute outcomes")),
        ]

    def __str__(self):
        return str(_("Finance settings"))

    @classmethod
    def current(cls) -> "FinanceSettings":
        return cls.objects.get_or_create(pk=1)[0]

    def bucket_bounds(self) -> list[int]:
        return [int(x) for x in self.ageing_buckets.split(",") if x.strip()]

    def clean(self):
        try:
            bounds = self.bucket_bounds()
        except ValueError:
            bounds = None
        if not bounds or bounds != sorted(set(bounds)) or bounds[0] <= 0:
            raise ValidationError(
                {"ageing_buckets": _("Give increasing whole numbers of days, e.g. 30,60,90.")}
            )

    def bounds(self) -> rules.Bounds:
        return rules.Bounds(self.max_weight_kg, self.max_dimension_cm)


class FeeRegion(models.Model):
    """A pricing region (华东, 华南 …): a set of provinces. Lanes price region → region."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=50)
    provinces = models.TextField(
        _("provinces"), help_text=_("One province per line, as written on the waybill.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee region")
        verbose_name_plural = _("fee regions")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def province_list(self) -> list[str]:
        return [p.strip() for p in self.provinces.splitlines() if p.strip()]


class FeeSchedule(models.Model):
    """A price list: the default one (no partner) or a partner contract's. Its prices live in
    versions with effective dates; a partner without its own uses the default."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    partner = models.OneToOneField(
        "courier.Partner",
        verbose_name=_("partner contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fee_schedule",
        help_text=_("Empty: the default schedule for every partner without its own."),
    )
    whole_yuan = models.BooleanField(
        _("round lines to whole yuan"),
        default=False,
        help_text=_("Contract rule: every fee line is rounded half up to the yuan."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.partner_id is None:
            others = FeeSchedule.objects.filter(partner__isnull=True).exclude(pk=self.pk)
            if others.exists():
                raise ValidationError(
                    {"partner": _("There is already a default schedule; name a partner.")}
                )


class FeeScheduleVersion(models.Model):
    """The prices of a schedule from ``effective_from`` until the day before ``effective_to``
    (open-ended when empty). The versions of a schedule neither overlap nor leave gaps."""

    schedule = models.ForeignKey(
        FeeSchedule, verbose_name=_("schedule"), on_delete=models.PROTECT, related_name="versions"
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective until (exclusive)"), null=True, blank=True, help_text=_("Empty: open-ended.")
    )
    light_step_kg = models.DecimalField(
        _("step (kg)"), **KG, default=Decimal("0.5"), validators=POSITIVE
    )
    heavy_from_kg = models.DecimalField(
        _("heavy steps from (kg)"), **KG, default=Decimal("100"), validators=POSITIVE
    )
    heavy_step_kg = models.DecimalField(
        _("heavy step (kg)"), **KG, default=Decimal("1"), validators=POSITIVE
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Bumped whenever a lane, rate or item of the version changes: quotes cache by it.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee schedule version")
        verbose_name_plural = _("fee schedule versions")
        ordering = ["schedule", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "effective_from"], name="feeversion_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gt=models.F("effective_from")),
                name="feeversion_not_empty",
            ),
        ]

    def __str__(self):
        end = self.effective_to.isoformat() if self.effective_to else "…"
        return f"{self.schedule.code} {self.effective_from.isoformat()}–{end}"

    def steps(self) -> rules.StepRule:
        return rules.StepRule(self.light_step_kg, self.heavy_from_kg, self.heavy_step_kg)

    def covers(self, day: datetime.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


class FeeLane(models.Model):
    """Freight of one mode from one region to another: first weight and steps, and the lane's
    volumetric divisor. With ``province`` set, the lane prices parcels within that province."""

    version = models.ForeignKey(
        FeeScheduleVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="lanes",
    )
    mode = models.CharField(_("mode"), max_length=8, choices=FeeMode.choices)
    origin = models.ForeignKey(
        FeeRegion, verbose_name=_("origin region"), on_delete=models.PROTECT, related_name="+"
    )
    destination = models.ForeignKey(
        FeeRegion, verbose_name=_("destination region"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.CharField(
        _("within province"),
        max_length=32,
        blank=True,
        help_text=_("Set for the lane of parcels sent within this one province."),
    )
    divisor = models.PositiveIntegerField(
        _("volumetric divisor (cm³/kg)"), default=6000, validators=[MinValueValidator(1)]
    )
    first_weight_kg = models.DecimalField(
        _("first weight (kg)"), **KG, default=Decimal("1"), validators=POSITIVE
    )
    first_price = models.DecimalField(_("first weight price"), **MONEY, validators=NON_NEGATIVE)
    step_price = models.DecimalField(_("price per step"), **MONEY, validators=NON_NEGATIVE)
    heavy_step_price = models.DecimalField(
        _("price per heavy step"), **MONEY, validators=NON_NEGATIVE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee lane")
        verbose_name_plural = _("fee lanes")
        ordering = ["version", "mode", "origin", "destination", "province"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "mode", "origin", "destination", "province"],
                name="feelane_unique",
            )
        ]

    def __str__(self):
        within = f" ({self.province})" if self.province else ""
        return f"{self.mode} {self.origin.code}→{self.destination.code}{within}"

    def rate(self) -> rules.LaneRate:
        return rules.LaneRate(
            self.first_weight_kg, self.first_price, self.step_price, self.heavy_step_price
        )


class InsuranceRate(models.Model):
    """Insurance = declared value × rate ‰, with a minimum and an optional cap, per mode (an
    empty mode: every mode without its own row)."""

    version = models.ForeignKey(
        FeeScheduleVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="insurance_rates",
    )
    mode = models.CharField(_("mode"), max_length=8, choices=FeeMode.choices, blank=True)
    rate_permille = models.DecimalField(
        _("rate (‰)"), max_digits=6, decimal_places=3, validators=NON_NEGATIVE
    )
    minimum = models.DecimalField(
        _("minimum"), **MONEY, default=Decimal("0"), validators=NON_NEGATIVE
    )
    cap = models.DecimalField(_("cap"), **MONEY, null=True, blank=True, validators=NON_NEGATIVE)
    terms = models.CharField(_("policy terms"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("insurance rate")
        verbose_name_plural = _("insurance rates")
        constraints = [
            models.UniqueConstraint(fields=["version", "mode"], name="insurancerate_unique")
        ]

    def __str__(self):
        return f"{self.mode or '*'} {self.rate_permille}‰"


class FeeItem(models.Model):
    """An agency fee (customs declaration, inspection, port handling), another fee (special
    packing, storage) or a surcharge: fixed, a percentage of the freight, or as incurred."""

    class Category(models.TextChoices):
        AGENCY = "agency", _("Agency fee")
        OTHER = "other", _("Other fee")
        SURCHARGE = "surcharge", _("Surcharge")

    class Method(models.TextChoices):
        FIXED = "fixed", _("Fixed amount")
        PERCENT = "percent", _("Percentage of freight")
        INCURRED = "incurred", _("As actually incurred")

    version = models.ForeignKey(
        FeeScheduleVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    value = models.DecimalField(
        _("amount or percentage"), **MONEY, default=Decimal("0"), validators=NON_NEGATIVE
    )
    automatic = models.BooleanField(
        _("on every quote"), default=False, help_text=_("Applied without being asked for.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["version", "category", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="feeitem_unique_code"),
            models.CheckConstraint(
                condition=~Q(method="incurred") | Q(automatic=False),
                name="feeitem_incurred_not_automatic",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class PartnerAccount(models.Model):
    """A partner's finance terms (FIN-02/03/05): credit limit, prepayment ratio, amount limit,
    statement period and whether it pays by bank transfer. Changed only with history."""

    partner = models.OneToOneField(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="finance_account",
    )
    credit_limit = models.DecimalField(
        _("credit limit"), **MONEY, default=Decimal("0"), validators=NON_NEGATIVE
    )
    prepayment_ratio = models.DecimalField(
        _("required prepayment ratio"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0"),
        validators=SHARE,
        help_text=_("Share of each shipment's fees that must be prepaid (0 to 1)."),
    )
    max_shipment_amount = models.DecimalField(
        _("largest shipment amount"), **MONEY, null=True, blank=True, validators=NON_NEGATIVE
    )
    warn_share = models.DecimalField(
        _("warn at share of the limit"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=SHARE,
        help_text=_("Empty: the finance settings' share."),
    )
    statement_period = models.CharField(
        _("statement period"), max_length=8, choices=PeriodKind.choices, default="month"
    )
    pays_by_bank_transfer = models.BooleanField(_("pays by bank transfer"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner finance account")
        verbose_name_plural = _("partner finance accounts")
        ordering = ["partner__code"]

    def __str__(self):
        return str(self.partner)


class ShipmentFeeLine(models.Model):
    """One fee line of a shipment, written when the shipment is created (a snapshot: a later
    schedule change never rewrites it) or as an adjustment (a re-weigh at the station). Lines
    are never changed, except to record the statement that bills them."""

    class Kind(models.TextChoices):
        FREIGHT = "freight", _("Freight")
        INSURANCE = "insurance", _("Insurance")
        AGENCY = "agency", _("Agency fee")
        OTHER = "other", _("Other fee")
        SURCHARGE = "surcharge", _("Surcharge")
        ADJUSTMENT = "adjustment", _("Adjustment")

    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        related_name="fee_lines",
    )
    partner = models.ForeignKey(
        "courier.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        FeeScheduleVersion,
        verbose_name=_("schedule version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=32)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    chargeable_kg = models.DecimalField(_("chargeable weight (kg)"), **KG, null=True, blank=True)
    rule = models.JSONField(_("rule used"), default=dict)
    statement = models.ForeignKey(
        "courier.Statement",
        verbose_name=_("billed in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fee_lines",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("shipment fee line")
        verbose_name_plural = _("shipment fee lines")
        ordering = ["shipment", "id"]
        indexes = [
            models.Index(fields=["partner", "statement", "created_at"]),
        ]

    def __str__(self):
        return f"{self.shipment_id} {self.kind} {self.amount}"
