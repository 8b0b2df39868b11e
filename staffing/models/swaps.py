"""Shift swaps as a protected state machine (STF-03..STF-09)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from .people import Employee


class RequestState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    AWAITING_COLLEAGUE = "awaiting_colleague", _("Awaiting colleague")
    AWAITING_SUPERVISOR = "awaiting_supervisor", _("Awaiting supervisor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


OPEN_STATES = [
    RequestState.REQUESTED,
    RequestState.AWAITING_COLLEAGUE,
    RequestState.AWAITING_SUPERVISOR,
]


class SwapRequest(ConcurrentTransitionMixin, models.Model):
    """The requester's shift on ``date`` is exchanged with the colleague's shift that day;
    with a swap-back leg, the two exchange again on ``back_date``.

    Transitions only change state fields; ``staffing.services.swaps`` does the writes.
    """

    requester = models.ForeignKey(
        Employee, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="swaps_out"
    )
    colleague = models.ForeignKey(
        Employee, verbose_name=_("colleague"), on_delete=models.PROTECT, related_name="swaps_in"
    )
    date = models.DateField(_("date of the swapped shift"), db_index=True)
    back_date = models.DateField(_("swap-back date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    handover_note = models.TextField(_("handover note"), blank=True)
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
    colleague_answered_at = models.DateTimeField(_("colleague answered at"), null=True, blank=True)
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
    limit_override = models.BooleanField(_("monthly limit overridden"), default=False)
    rule_results = models.JSONField(_("rule results"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shift swap")
        verbose_name_plural = _("shift swaps")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("colleague")), name="swap_not_with_self"
            ),
        ]

    def __str__(self):
        return f"{self.requester.name} ⇄ {self.colleague.name} {self.date}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def dates(self) -> list:
        return [d for d in (self.date, self.back_date) if d is not None]

    @transition(field=state, source=RequestState.REQUESTED, target=RequestState.AWAITING_COLLEAGUE)
    def submit(self):
        pass

    @transition(
        field=state, source=RequestState.AWAITING_COLLEAGUE, target=RequestState.AWAITING_SUPERVISOR
    )
    def colleague_accept(self, at):
        self.colleague_answered_at = at

    @transition(field=state, source=RequestState.AWAITING_COLLEAGUE, target=RequestState.REJECTED)
    def colleague_decline(self, at, reason=""):
        self.colleague_answered_at = at
        self.decision_reason = reason

    @transition(field=state, source=RequestState.AWAITING_SUPERVISOR, target=RequestState.APPROVED)
    def approve(self, by, at, reason="", override=False):
        self.decided_by, self.decided_at = by, at
        self.decision_reason = reason
        self.limit_override = override

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
