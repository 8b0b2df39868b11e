"""Follow-up calls (TRK-03, TRK-04, TRK-10), chases (TRK-05) and the inbound contact log
(TRK-01, CMP-01)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from tracking import rules


class Reason(models.TextChoices):
    REDELIVERY = rules.REDELIVERY, _("Re-delivery")
    NO_FEEDBACK = rules.NO_FEEDBACK, _("No feedback")
    UNCERTAIN = rules.UNCERTAIN, _("Uncertain")
    CHASE = rules.CHASE, _("Chase")
    VIP = rules.VIP, _("VIP follow-up")
    ARRIVAL = rules.ARRIVAL, _("Arrival confirmation")


class Outcome(models.TextChoices):
    REACHED = "reached", _("Reached, resolved")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    STATION_UNTRUE = "station_untrue", _("Station information proved untrue")
    ABNORMAL = "abnormal", _("Abnormal order")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Not delivered in time")


class GoodsCondition(models.TextChoices):
    GOOD = "good", _("Good")
    DAMAGED = "damaged", _("Damaged")
    INCOMPLETE = "incomplete", _("Incomplete")


class Attitude(models.TextChoices):
    GOOD = "good", _("Good")
    ACCEPTABLE = "acceptable", _("Acceptable")
    POOR = "poor", _("Poor")


OPEN = "open"


class FollowUpTask(FSMModelMixin, models.Model):
    """One call to make: one open task per shipment and reason (the constraint), due by the
    TRK-04 rule, assigned round robin to an agent on shift (or left in the unassigned queue)."""

    class State(models.TextChoices):
        OPEN = OPEN, _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    state = FSMField(_("state"), default=OPEN, choices=State.choices, protected=True)
    due_at = models.DateTimeField(_("due at"))
    assignee = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    # TRK-03: what the arrival call establishes
    arrival_time = models.DateTimeField(_("arrival time"), null=True, blank=True)
    goods_condition = models.CharField(
        _("goods condition"), max_length=12, choices=GoodsCondition.choices, blank=True
    )
    driver_attitude = models.CharField(
        _("driver's service attitude"), max_length=12, choices=Attitude.choices, blank=True
    )
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    # TRK-05: a chase runs until this time
    chase_until = models.DateTimeField(_("chase until"), null=True, blank=True)
    alerted_at = models.DateTimeField(_("supervisor alerted at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue reported at"), null=True, blank=True)
    # No database constraint: the archival job moves old events to the archive table with
    # their ids, so the id stays meaningful there (issue 19 item 11).
    source_event = models.ForeignKey(
        "tracking.TrackingEvent",
        verbose_name=_("event"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(no_db_index=["shipment", "assignee", "source_event"])

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "reason"],
                condition=Q(state=OPEN),
                name="trk_followup_one_open_per_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(state=OPEN), name="trk_followup_open_due"),
            models.Index(
                fields=["chase_until"],
                condition=Q(state=OPEN, reason=rules.CHASE),
                name="trk_followup_chase_until",
            ),
            models.Index(fields=["assignee", "state", "due_at"], name="trk_followup_queue"),
            models.Index(fields=["created_at"], name="trk_followup_created"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} {self.shipment_id}"

    @transition(field=state, source=OPEN, target="done")
    def complete(self):
        pass

    @transition(field=state, source=OPEN, target="cancelled")
    def cancel(self):
        pass


class ChaseReply(models.Model):
    """TRK-05: the station head's reply on one day of a chase."""

    task = models.ForeignKey(
        FollowUpTask, verbose_name=_("chase"), on_delete=models.CASCADE, related_name="replies"
    )
    day = models.DateField(_("day"))
    station_head = models.CharField(_("station head"), max_length=100)
    reply = models.TextField(_("reply"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chase reply")
        verbose_name_plural = _("chase replies")
        ordering = ["task", "day"]
        constraints = [
            models.UniqueConstraint(fields=["task", "day"], name="trk_chase_reply_per_day")
        ]

    def __str__(self):
        return f"{self.task_id} {self.day}"


class ContactChannel(models.TextChoices):
    """TRK-01: the six access channels, the hotline, a dedicated agent and chat."""

    WEB = "web", _("Web")
    MOBILE = "mobile", _("Mobile phone")
    SMS = "sms", _("SMS")
    VOICE = "voice", _("Voice telephone")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("Email")
    HOTLINE = "hotline", _("Hotline")
    DEDICATED_CS = "dedicated_cs", _("Dedicated CS agent")
    CHAT = "chat", _("Online chat")


# Contact channel → the complaint intake channel (complaints.models.choices.Channel values).
COMPLAINT_CHANNEL = {
    "web": "web",
    "mobile": "mobile",
    "sms": "sms",
    "voice": "phone",
    "fax": "fax",
    "email": "email",
    "hotline": "hotline",
    "dedicated_cs": "dedicated_cs",
    "chat": "im",
}


class ContactKind(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquiry")
    QUERY = "query", _("Tracking query")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")
    CLAIM = "claim", _("Claim")


class ContactLog(FSMModelMixin, models.Model):
    """One inbound contact by any channel (TRK-01, CMP-01); public lookups are logged here too."""

    class State(models.TextChoices):
        OPEN = OPEN, _("Open")
        CLOSED = "closed", _("Closed")

    class Route(models.TextChoices):
        NONE = "", _("Answered")
        COMPLAINT = "complaint", _("Complaint")
        WORK_ORDER = "work_order", _("Work order")
        CALL = "call", _("Call task")

    class Lookup(models.TextChoices):
        NONE = "", _("Not a lookup")
        SUMMARY = "summary", _("Summary shown")
        FULL = "full", _("Full list shown")
        WRONG_DIGITS = "wrong_digits", _("Wrong phone digits")
        LOCKED = "locked", _("Locked")
        UNKNOWN = "unknown", _("Unknown waybill")

    channel = models.CharField(_("channel"), max_length=14, choices=ContactChannel.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=ContactKind.choices)
    waybill_number = models.CharField(_("waybill number"), max_length=32, blank=True)
    shipment = models.ForeignKey(
        "courier.Shipment",
        verbose_name=_("shipment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    customer_name = models.CharField(_("customer name"), max_length=100, blank=True)
    customer_phone = models.CharField(_("customer phone"), max_length=32, blank=True)
    summary = models.TextField(_("what they asked"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    agent = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    state = FSMField(_("state"), default=OPEN, choices=State.choices, protected=True)
    route = models.CharField(
        _("routed to"), max_length=12, choices=Route.choices, blank=True, default=""
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    follow_up = models.ForeignKey(
        FollowUpTask,
        verbose_name=_("call task"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    lookup = models.CharField(
        _("lookup result"), max_length=14, choices=Lookup.choices, blank=True, default=""
    )
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(no_db_index=["shipment", "agent", "complaint", "follow_up"])

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contact log")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["agent", "state", "received_at"], name="trk_contact_queue"),
            models.Index(
                fields=["waybill_number", "received_at"],
                condition=Q(lookup="wrong_digits"),
                name="trk_contact_wrong_digits",
            ),
            models.Index(fields=["received_at"], name="trk_contact_received"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.waybill_number}"

    @transition(field=state, source=OPEN, target="closed")
    def close(self):
        pass
