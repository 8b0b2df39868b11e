"""SCR-04..07: the monthly settlement per department and its activity-fund ledger (SCR-06).

Re-exported by ``staffing.models.scoring``; the app's model registry imports it from there.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 10, "decimal_places": 2}


class SettlementState(models.TextChoices):
    OPEN = "open", _("Open")
    SETTLING = "settling", _("Settling")
    SETTLED = "settled", _("Settled (frozen)")


class Settlement(FSMModelMixin, models.Model):
    """SCR-04/SCR-07: a department's month, open → settling → settled (frozen)."""

    department = models.ForeignKey(
        "staffing.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="settlements",
    )
    month = models.DateField(_("month"))
    state = FSMField(
        _("state"),
        max_length=10,
        choices=SettlementState.choices,
        default=SettlementState.OPEN,
        protected=True,
    )
    payday = models.DateField(_("payday"), null=True, blank=True)
    computed_at = models.DateTimeField(_("sheet computed at"), null=True, blank=True)
    # Count and last id of the month's events when the sheet was computed: a newer event makes
    # the sheet stale, and approval then asks for a new computation.
    ledger_mark = models.CharField(_("ledger mark"), max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # SCR-07 (issue 13 point 21): 1 for the first approval; each reopening approved by HQ starts
    # the next round, so the fund is credited again for the new approval only.
    round = models.PositiveSmallIntegerField(_("approval round"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-month", "department"]
        constraints = [
            models.UniqueConstraint(fields=["department", "month"], name="settlement_once"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="settlement_month"),
        ]

    def __str__(self):
        return f"{self.department} {self.month:%Y-%m}"

    @property
    def is_frozen(self) -> bool:
        return self.state == SettlementState.SETTLED

    @transition(field=state, source=SettlementState.OPEN, target=SettlementState.SETTLING)
    def start(self):
        pass

    @transition(field=state, source=SettlementState.SETTLING, target=SettlementState.OPEN)
    def reopen(self):
        pass

    @transition(field=state, source=SettlementState.SETTLING, target=SettlementState.SETTLED)
    def approve(self):
        pass

    @transition(field=state, source=SettlementState.SETTLED, target=SettlementState.OPEN)
    def unfreeze(self):
        """A settled month reopened: a manager asked, HQ approved (``SettlementReopening``)."""


class SettlementLine(models.Model):
    """One employee's figures in a settlement (rebuilt while settling, frozen once settled)."""

    settlement = models.ForeignKey(
        Settlement, verbose_name=_("settlement"), on_delete=models.CASCADE, related_name="lines"
    )
    employee = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="settlement_lines",
    )
    is_supervisor = models.BooleanField(_("supervisor"), default=False)
    event_count = models.PositiveIntegerField(_("events"), default=0)
    points_total = models.IntegerField(_("points change"), default=0)
    final_score = models.IntegerField(_("final score"))
    deduction = models.DecimalField(_("tier deduction"), default=0, **MONEY)
    dismissal = models.BooleanField(_("dismissal"), default=False)
    attendance_bonus = models.DecimalField(_("attendance bonus"), default=0, **MONEY)
    performance_bonus = models.DecimalField(_("performance bonus"), default=0, **MONEY)
    award = models.DecimalField(_("award"), default=0, **MONEY)
    cash_fines = models.DecimalField(_("cash fines"), default=0, **MONEY)
    cash_awards = models.DecimalField(_("cash awards"), default=0, **MONEY)
    supervisor_bonus = models.DecimalField(_("supervisor team bonus"), default=0, **MONEY)
    supervisor_fine = models.DecimalField(_("supervisor fine"), default=0, **MONEY)
    net_amount = models.DecimalField(_("net amount"), default=0, **MONEY)

    class Meta:
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")
        ordering = ["employee__number"]
        constraints = [
            models.UniqueConstraint(fields=["settlement", "employee"], name="settlementline_once"),
        ]

    def __str__(self):
        return f"{self.employee}: {self.final_score}"


class FundKind(models.TextChoices):
    TIER_DEDUCTION = "tier_deduction", _("Tier deduction")
    CASH_FINE = "cash_fine", _("Cash fine")
    SUPERVISOR_FINE = "supervisor_fine", _("Supervisor fine")
    SPENDING = "spending", _("Spending")
    REOPENED = "reopened", _("Taken back on reopening")


class FundEntry(models.Model):
    """SCR-06: the department activity fund, append-only; fines are credited at settlement."""

    department = models.ForeignKey(
        "staffing.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="fund_entries",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FundKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    settlement = models.ForeignKey(
        Settlement,
        verbose_name=_("settlement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fund_entries",
    )
    employee = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The settlement's approval round the entry belongs to (a reopened month credits anew).
    round = models.PositiveSmallIntegerField(_("approval round"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity fund entry")
        verbose_name_plural = _("activity fund entries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "employee", "kind", "round"],
                condition=models.Q(settlement__isnull=False),
                name="fundentry_once_per_settlement_line_round",
            ),
        ]

    def __str__(self):
        return f"{self.department} {self.amount:+}"


class ReopeningState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved (month reopened)")
    REFUSED = "refused", _("Refused")


class SettlementReopening(FSMModelMixin, models.Model):
    """SCR-07 (issue 13 point 21): a settled month reopened only by a manager with HQ's
    approval: who asked, why, who decided and when, and what the reopening undid (the approval
    and the fund credits taken back). Every change is in the history."""

    settlement = models.ForeignKey(
        Settlement,
        verbose_name=_("settlement"),
        on_delete=models.PROTECT,
        related_name="reopenings",
    )
    state = FSMField(
        _("state"),
        max_length=10,
        choices=ReopeningState.choices,
        default=ReopeningState.REQUESTED,
        protected=True,
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
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
    # What the approval undid: the settlement's approval and the fines taken back from the fund.
    undone_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approval undone (by)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_approved_at = models.DateTimeField(_("approval undone (at)"), null=True, blank=True)
    fund_taken_back = models.DecimalField(_("taken back from the fund"), default=0, **MONEY)
    # The sheet as approved, one row per person: [number, name, final score, net amount].
    sheet_before = models.JSONField(_("sheet as approved"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("settlement reopening")
        verbose_name_plural = _("settlement reopenings")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["settlement"],
                condition=models.Q(state="requested"),
                name="settlementreopening_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.settlement} ({self.get_state_display()})"

    @transition(field=state, source=ReopeningState.REQUESTED, target=ReopeningState.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=ReopeningState.REQUESTED, target=ReopeningState.REFUSED)
    def refuse(self):
        pass
