from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from courier.core.masking import mask_name

from .choices import OPEN_STATES, CancelReason, Category, Channel, Kind, Severity, State

HANDLE = "complaints.handle_complaint"
SUPERVISE = "complaints.supervise_complaint"


class Complaint(FSMModelMixin, models.Model):
    """A complaint or problem (CMP-01/02/05) and its lifecycle and SLA clock (CMP-03/04)."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    customer_name = models.CharField(_("customer name"), max_length=100)
    customer_phone = models.CharField(_("customer phone"), max_length=32, blank=True)
    customer_email = models.EmailField(_("customer email"), blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.COMPLAINT)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.ORDINARY
    )
    description = models.TextField(_("description"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_agent = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("assigned agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    # CMP-06: what the investigation established.
    findings = models.TextField(_("findings"), blank=True)
    responsible_department = models.ForeignKey(
        "staffing.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible_employee = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # CMP-07: the proposed handling and the customer's answer.
    solution = models.TextField(_("proposed solution"), blank=True)
    solution_sent_at = models.DateTimeField(_("solution sent at"), null=True, blank=True)
    solution_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    feedback_accepted = models.BooleanField(_("customer accepted"), null=True, blank=True)
    feedback_comment = models.TextField(_("customer's comment"), blank=True)
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)

    state = FSMField(
        _("state"), max_length=32, choices=State.choices, default=State.RECEIVED, protected=True
    )
    cancel_reason = models.CharField(
        _("cancel reason"), max_length=16, choices=CancelReason.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    # Escalation: 0 agent, 1 supervisor, 2 platform supervisor / manager, 3 HQ.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_to = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("escalated to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalated_complaints",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    # SLA clock (see complaints/rules.py).
    clock_started_at = models.DateTimeField(_("clock started at"), default=timezone.now)
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True, db_index=True)
    resolve_by = models.DateTimeField(_("solve by"), null=True, blank=True, db_index=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("solution agreed at"), null=True, blank=True)
    paused_since = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused seconds (this clock)"), default=0)
    response_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_breached_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_breached_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Escalation gives the new holder internal deadlines (CMP-03: handled as major from the
    # escalation); respond_by / resolve_by above stay the promise to the customer.
    holder_respond_by = models.DateTimeField(
        _("respond by (current holder)"), null=True, blank=True, editable=False
    )
    holder_resolve_by = models.DateTimeField(
        _("solve by (current holder)"), null=True, blank=True, editable=False
    )
    holder_paused_seconds = models.PositiveIntegerField(default=0, editable=False)
    response_hq_missed_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_hq_missed_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_breaches = models.PositiveSmallIntegerField(_("response breaches"), default=0)
    resolution_breaches = models.PositiveSmallIntegerField(_("solution breaches"), default=0)
    # When the sweep must look next: the earliest pending warning or deadline; NULL = nothing.
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        permissions = [
            ("handle_complaint", _("Can handle complaints (accept, investigate, propose)")),
            ("supervise_complaint", _("Can cancel, reopen and decide verdicts on complaints")),
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="complaint_due_idx",
                condition=models.Q(next_check_at__isnull=False),
            ),
            models.Index(fields=["state", "received_at"], name="complaint_state_idx"),
            # The change list's default order (``-received_at`` plus the admin's ``-pk``).
            models.Index(fields=["-received_at", "-id"], name="complaint_received_idx"),
            models.Index(fields=["customer_phone"], name="complaint_phone_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(escalation_level__lte=3), name="complaint_level_max_3"
            ),
            models.CheckConstraint(
                condition=~models.Q(state=State.CANCELLED) | ~models.Q(cancel_reason=""),
                name="complaint_cancel_has_reason",
            ),
        ]

    def __str__(self):
        # ORG-03: shown in breadcrumbs, links and the admin log: the name masked.
        return f"#{self.pk} {self.get_kind_display()} {mask_name(self.customer_name)}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    # --- transitions: state only, no I/O --------------------------------------------------
    @transition(field=state, source=State.RECEIVED, target=State.ACCEPTED, permission=HANDLE)
    def accept(self):
        pass

    @transition(field=state, source=State.ACCEPTED, target=State.INVESTIGATING, permission=HANDLE)
    def investigate(self):
        pass

    @transition(
        field=state,
        source=State.INVESTIGATING,
        target=State.SOLUTION_PROPOSED,
        permission=HANDLE,
    )
    def propose_solution(self):
        pass

    @transition(
        field=state,
        source=State.SOLUTION_PROPOSED,
        target=State.AWAITING_FEEDBACK,
        permission=HANDLE,
    )
    def send_solution(self):
        pass

    @transition(field=state, source=State.AWAITING_FEEDBACK, target=State.CLOSED, permission=HANDLE)
    def feedback_accept(self):
        pass

    @transition(
        field=state, source=State.AWAITING_FEEDBACK, target=State.INVESTIGATING, permission=HANDLE
    )
    def feedback_reject(self):
        pass

    @transition(
        field=state, source=State.AWAITING_FEEDBACK, target=State.RECTIFICATION, permission=HANDLE
    )
    def rectify(self):
        pass

    @transition(field=state, source=State.RECTIFICATION, target=State.CLOSED, permission=HANDLE)
    def close(self):
        pass

    @transition(field=state, source=State.CLOSED, target=State.INVESTIGATING, permission=SUPERVISE)
    def reopen(self):
        pass

    @transition(field=state, source=OPEN_STATES, target=State.CANCELLED, permission=SUPERVISE)
    def cancel(self):
        pass


class ComplaintAttachment(models.Model):
    """Evidence kept in private storage, served only through a permission-checked view."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")
    is_photo = models.BooleanField(_("photo"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.file.name


class SlaPause(models.Model):
    """An interval when the solution clock stood still (awaiting the customer)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA pause")
        verbose_name_plural = _("SLA pauses")
        ordering = ["started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} – {self.ended_at or ''}"


class SlaMilestone(models.Model):
    """CMP-03/04: whether a milestone was met, and the active minutes it took (for reports)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="milestones")
    milestone = models.CharField(
        _("milestone"),
        max_length=16,
        choices=[
            ("response", _("First response")),
            ("resolution", _("Solution")),
        ],
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"))
    minutes_taken = models.PositiveIntegerField(_("active minutes taken"))
    met = models.BooleanField(_("met"))

    class Meta:
        verbose_name = _("SLA milestone")
        verbose_name_plural = _("SLA milestones")
        ordering = ["complaint", "done_at"]

    def __str__(self):
        return f"{self.complaint_id} {self.milestone} {'met' if self.met else 'breached'}"


class Escalation(models.Model):
    """Append-only ledger: one row per level a complaint reached, with who was told and why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="escalations")
    from_level = models.PositiveSmallIntegerField(_("from level"))
    to_level = models.PositiveSmallIntegerField(_("to level"))
    trigger = models.CharField(_("trigger"), max_length=32)
    deadline = models.DateTimeField(_("deadline that passed"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"))
    to_employee = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("escalated to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_groups = models.CharField(_("fallback groups"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["complaint", "to_level"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "to_level"], name="escalation_once"),
            models.CheckConstraint(
                condition=models.Q(to_level__gt=models.F("from_level")),
                name="escalation_goes_up",
            ),
        ]

    def __str__(self):
        return f"#{self.complaint_id} {self.from_level}→{self.to_level}"
