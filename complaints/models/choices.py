from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """CMP-01: intake channels (as TRK-01) plus the hotline and the partner API."""

    HOTLINE = "hotline", _("Hotline")
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web")
    MOBILE = "mobile", _("Mobile app")
    SMS = "sms", _("SMS")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("Email")
    IM = "im", _("Instant messaging")
    DEDICATED_CS = "dedicated_cs", _("Dedicated CS")
    API = "api", _("Partner API")


class Kind(models.TextChoices):
    """CMP-05: a customer's complaint, a problem raised by a courier or business company, or a
    complaint from a courier or business company."""

    COMPLAINT = "complaint", _("Customer complaint")
    PROBLEM = "problem", _("Problem from a courier / business company")
    BUSINESS_COMPLAINT = "business_complaint", _("Complaint from a courier / business company")


class Category(models.TextChoices):
    """CMP-02: classification."""

    SERVICE_QUALITY = "service_quality", _("Service quality")
    CARGO_DAMAGE = "cargo_damage", _("Cargo damage")
    CARGO_LOSS = "cargo_loss", _("Cargo loss")
    DELAY = "delay", _("Delay")
    STAFF_ATTITUDE = "staff_attitude", _("Staff attitude")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    MAJOR = "major", _("Major")


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    INVESTIGATING = "investigating", _("Investigating")
    SOLUTION_PROPOSED = "solution_proposed", _("Solution proposed")
    AWAITING_FEEDBACK = "awaiting_feedback", _("Awaiting customer feedback")
    RECTIFICATION = "rectification", _("Rectification")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = [
    State.RECEIVED,
    State.ACCEPTED,
    State.INVESTIGATING,
    State.SOLUTION_PROPOSED,
    State.AWAITING_FEEDBACK,
    State.RECTIFICATION,
]


class CancelReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate")
    WITHDRAWN = "withdrawn", _("Withdrawn by the customer")


class Level(models.IntegerChoices):
    """Escalation ladder: agent → supervisor → platform supervisor / manager → HQ."""

    AGENT = 0, _("Agent")
    SUPERVISOR = 1, _("Supervisor")
    PLATFORM = 2, _("Platform supervisor / manager")
    HQ = 3, _("Headquarters")


# Fallback role groups (staffing/roles.py) per escalation level when nobody is named.
LEVEL_GROUPS = {
    1: ["supervisor"],
    2: ["platform_supervisor", "manager"],
    3: ["hq"],
}


class Milestone(models.TextChoices):
    RESPONSE = "response", _("First response")
    RESOLUTION = "resolution", _("Solution")


class EscalationTrigger(models.TextChoices):
    RESPONSE_BREACH = "response_breach", _("First-response deadline passed")
    RESOLUTION_BREACH = "resolution_breach", _("Solution deadline passed")
    MANUAL = "manual", _("Escalated by staff")
    FEEDBACK_REJECTED = "feedback_rejected", _("Customer rejected the solution")
