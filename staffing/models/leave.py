"""Leave types and leave requests (LEV-01..LEV-05, STF-05, STF-06, STF-08)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from .people import Employee
from .swaps import OPEN_STATES, RequestState


class LeaveType(models.Model):
    """LEV-02 personal: 24 h notice and a colleague who covers; LEV-03 emergency: 2 h notice."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    notice_hours = models.PositiveIntegerField(_("notice (hours before the shift)"), default=24)
    needs_cover = models.BooleanField(_("needs a colleague who covers"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leave type")
        verbose_name_plural = _("leave types")
        ordering = ["code"]

    def __str__(self):
        return self.name


class LeaveRequest(ConcurrentTransitionMixin, models.Model):
    """Leave for one rostered shift, addressed to a supervisor (LEV-04: must be the direct one)."""

    requester = models.ForeignKey(
        Employee, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="leaves"
    )
    entry = models.ForeignKey(
        "staffing.RosterEntry",
        verbose_name=_("roster entry"),
        on_delete=models.PROTECT,
        related_name="leave_requests",
    )
    leave_type = models.ForeignKey(
        LeaveType, verbose_name=_("leave type"), on_delete=models.PROTECT, related_name="+"
    )
    addressed_to = models.ForeignKey(
        Employee,
        verbose_name=_("addressed to"),
        on_delete=models.PROTECT,
        related_name="leaves_addressed",
    )
    cover = models.ForeignKey(
        Employee,
        verbose_name=_("covering colleague"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leaves_covered",
    )
    reason = models.TextField(_("reason"), blank=True)
    state = FSMField(
        _("state"),
        max_length=24,
        choices=RequestState.choices,
        default=RequestState.REQUESTED,
        protected=True,
        db_index=True,
    )
    requested_at = models.DateTimeField(_("requested at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    cover_answered_at = models.DateTimeField(_("cover answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    rule_results = models.JSONField(_("rule results"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.requester.name} {self.leave_type} {self.entry.date}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @transition(field=state, source=RequestState.REQUESTED, target=RequestState.AWAITING_COLLEAGUE)
    def submit_to_cover(self):
        pass

    @transition(
        field=state,
        source=[RequestState.REQUESTED, RequestState.AWAITING_COLLEAGUE],
        target=RequestState.AWAITING_SUPERVISOR,
    )
    def submit(self, at=None):
        if self.cover_id and at is not None:
            self.cover_answered_at = at

    @transition(field=state, source=RequestState.AWAITING_COLLEAGUE, target=RequestState.REJECTED)
    def cover_decline(self, at, reason=""):
        self.cover_answered_at = at
        self.decision_reason = reason

    @transition(field=state, source=RequestState.AWAITING_SUPERVISOR, target=RequestState.APPROVED)
    def approve(self, by, at, reason=""):
        self.decided_by, self.decided_at = by, at
        self.decision_reason = reason

    @transition(field=state, source=RequestState.AWAITING_SUPERVISOR, target=RequestState.REJECTED)
    def reject(self, by, at, reason=""):
        self.decided_by, self.decided_at = by, at
        self.decision_reason = reason

    @transition(field=state, source=OPEN_STATES, target=RequestState.CANCELLED)
    def cancel(self, at):
        self.decided_at = at

    @transition(field=state, source=OPEN_STATES, target=RequestState.EXPIRED)
    def expire(self, at):
        self.decided_at = at
