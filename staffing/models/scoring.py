"""The 100-point monthly score (SCR-01..09): rule catalogue, tiers, the append-only ledger,
appeals, and the monthly settlement per department with its activity-fund ledger."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 10, "decimal_places": 2}


class ScoringPolicy(models.Model):
    """Every number of the scheme that is not a rule or a tier (one row, pk=1)."""

    start_points = models.PositiveSmallIntegerField(
        _("points at the start of a month"), default=100
    )
    attendance_bonus = models.DecimalField(_("full-attendance bonus"), default=100, **MONEY)
    performance_bonus = models.DecimalField(_("work-performance bonus"), default=200, **MONEY)
    award_threshold = models.PositiveSmallIntegerField(_("award from (points)"), default=110)
    award_amount = models.DecimalField(_("cash award"), default=100, **MONEY)
    team_full_marks = models.PositiveSmallIntegerField(_("full marks (points)"), default=100)
    team_share_percent = models.PositiveSmallIntegerField(
        _("share of the team at full marks for the supervisor bonus (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
    )
    supervisor_bonus = models.DecimalField(_("supervisor team bonus"), default=100, **MONEY)
    supervisor_fine = models.DecimalField(_("supervisor fine"), default=100, **MONEY)
    supervisor_fine_below = models.PositiveSmallIntegerField(
        _("supervisor fined if anyone is below (points)"), default=60
    )
    appeal_days = models.PositiveSmallIntegerField(_("days to appeal an event"), default=3)
    payday_day = models.PositiveSmallIntegerField(
        _("payday (day of the following month)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    # Codes of the departments whose people are scored by the 100-point scheme.
    department_codes = models.JSONField(
        _("departments scored"), default=list, blank=True, help_text=_("Department codes.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring policy")
        verbose_name_plural = _("scoring policy")

    def __str__(self):
        return str(_("Scoring policy"))

    @classmethod
    def current(cls) -> "ScoringPolicy":
        return cls.objects.get_or_create(pk=1)[0]


class ScoreTier(models.Model):
    """SCR-02: each point lost between ``ceiling`` and ``floor`` costs ``yuan_per_point``."""

    ceiling = models.PositiveSmallIntegerField(_("from (points)"))
    floor = models.PositiveSmallIntegerField(_("down to (points)"))
    yuan_per_point = models.DecimalField(_("yuan per point"), **MONEY)
    dismissal = models.BooleanField(_("dismissal"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score tier")
        verbose_name_plural = _("score tiers")
        ordering = ["-ceiling"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ceiling__gt=models.F("floor")), name="scoretier_ceiling_gt_floor"
            ),
            models.CheckConstraint(
                condition=models.Q(yuan_per_point__gte=0), name="scoretier_rate_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.ceiling}–{self.floor}: {self.yuan_per_point}"


class RuleCategory(models.TextChoices):
    GENERAL = "general", _("General (all CS staff)")
    SUPERVISOR = "supervisor", _("Supervisor")
    PRESALES = "presales", _("Pre-sales")
    AFTERSALES = "aftersales", _("After-sales")
    PRINTING = "printing", _("Printing desk")


class CashMode(models.TextChoices):
    NONE = "none", _("No money")
    FINE = "fine", _("Fixed fine")
    FINE_DAILY_WAGE = "fine_daily_wage", _("Fine of one day's average wage")
    FINE_GIVEN = "fine_given", _("Fine of the amount given (e.g. the freight)")
    AWARD_GIVEN = "award_given", _("Cash award of the amount given")


class ScoreRule(models.Model):
    """SCR-08: one row of the rule catalogue."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    category = models.CharField(_("category"), max_length=16, choices=RuleCategory.choices)
    # Positions (staffing.Position values) the rule applies to; empty = everyone.
    applies_to = models.JSONField(_("applies to positions"), default=list, blank=True)
    description_zh = models.TextField(_("description (Chinese)"))
    description_en = models.TextField(_("description (English)"))
    points = models.SmallIntegerField(_("points"), default=0)
    points_min = models.SmallIntegerField(_("points from"), null=True, blank=True)
    points_max = models.SmallIntegerField(_("points up to"), null=True, blank=True)
    cash_mode = models.CharField(
        _("money"), max_length=16, choices=CashMode.choices, default=CashMode.NONE
    )
    cash_amount = models.DecimalField(_("fixed amount"), default=Decimal("0"), **MONEY)
    costs_attendance_bonus = models.BooleanField(_("costs the attendance bonus"), default=False)
    first_offence_warning = models.BooleanField(_("first offence a warning"), default=False)
    may_dismiss = models.BooleanField(_("may lead to dismissal"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sequence", "order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score rule")
        verbose_name_plural = _("score rules")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points_min__isnull=True, points_max__isnull=True)
                | models.Q(points_min__lte=models.F("points_max")),
                name="scorerule_points_range",
            ),
            models.CheckConstraint(condition=models.Q(cash_amount__gte=0), name="scorerule_cash"),
        ]

    def __str__(self):
        return f"{self.code} {self.description_zh[:40]}"

    @property
    def has_range(self) -> bool:
        return self.points_min is not None and self.points_max is not None


class EventKind(models.TextChoices):
    RECORD = "record", _("Recorded")
    REVERSAL = "reversal", _("Reversal")


class ScoreEvent(models.Model):
    """SCR-01/SCR-09: one line of the append-only points ledger.

    ``cash`` is signed for the employee: a fine is negative, a cash award positive. A correction
    is a new ``reversal`` row pointing at the event it cancels; rows are never edited.
    """

    employee = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="score_events",
    )
    rule = models.ForeignKey(
        ScoreRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=EventKind.choices, default=EventKind.RECORD
    )
    points = models.SmallIntegerField(_("points"))
    cash = models.DecimalField(_("money"), default=Decimal("0"), **MONEY)
    is_warning = models.BooleanField(_("warning only"), default=False)
    costs_attendance_bonus = models.BooleanField(_("costs the attendance bonus"), default=False)
    occurred_at = models.DateTimeField(_("happened at"))
    month = models.DateField(_("month"), db_index=True)
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("source type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score event")
        verbose_name_plural = _("score events")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "source_type", "source_id"],
                condition=models.Q(kind="record") & ~models.Q(source_id=""),
                name="scoreevent_once_per_rule_and_source",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="scoreevent_month_first_day"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="record", reverses__isnull=True)
                | models.Q(kind="reversal", reverses__isnull=False),
                name="scoreevent_reversal_points_at_event",
            ),
        ]
        indexes = [models.Index(fields=["employee", "month"])]

    def __str__(self):
        return f"{self.rule.code} {self.points:+d} {self.employee}"


class AppealState(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld (event reversed)")
    REJECTED = "rejected", _("Rejected")


class ScoreAppeal(FSMModelMixin, models.Model):
    """An employee's appeal against one event, decided by the supervisor or a manager."""

    event = models.ForeignKey(
        ScoreEvent, verbose_name=_("event"), on_delete=models.PROTECT, related_name="appeals"
    )
    employee = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="score_appeals",
    )
    month = models.DateField(_("month"), db_index=True)
    reason = models.TextField(_("reason"))
    state = FSMField(
        _("state"),
        max_length=10,
        choices=AppealState.choices,
        default=AppealState.OPEN,
        protected=True,
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score appeal")
        verbose_name_plural = _("score appeals")
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(state="open"), name="scoreappeal_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.event.rule.code} {self.employee} ({self.get_state_display()})"

    @transition(field=state, source=AppealState.OPEN, target=AppealState.UPHELD)
    def uphold(self):
        pass

    @transition(field=state, source=AppealState.OPEN, target=AppealState.REJECTED)
    def reject(self):
        pass


from .scoring_settlement import (  # noqa: E402
    FundEntry,
    FundKind,
    ReopeningState,
    Settlement,
    SettlementLine,
    SettlementReopening,
    SettlementState,
)

__all__ = [
    "AppealState",
    "CashMode",
    "EventKind",
    "FundEntry",
    "FundKind",
    "RuleCategory",
    "ScoreAppeal",
    "ScoreEvent",
    "ScoreRule",
    "ScoreTier",
    "ScoringPolicy",
    "ReopeningState",
    "Settlement",
    "SettlementLine",
    "SettlementReopening",
    "SettlementState",
]
