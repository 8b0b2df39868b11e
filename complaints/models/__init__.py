"""Models of the complaints app, one module per concern."""

from .choices import (
    LEVEL_GROUPS,
    OPEN_STATES,
    CancelReason,
    Category,
    Channel,
    EscalationTrigger,
    Kind,
    Level,
    Milestone,
    Severity,
    State,
)
from .claims import ComplaintClaim
from .complaint import (
    Complaint,
    ComplaintAttachment,
    Escalation,
    SlaMilestone,
    SlaPause,
)
from .emergency import EmergencyPlan, EmergencySeminar, PostAuthority
from .followup import Rectification, RectificationMeasure, SupervisionCheck, WorkOrder
from .incidents import Incident, IncidentReport, ReviewMeeting
from .platform_cases import PlatformCase
from .sla import ComplaintSettings, SlaPolicy
from .surveys import CallRecord, ServiceLevelDay, Survey
from .verdicts import BadReview, ScorePosting, Verdict

__all__ = [
    "LEVEL_GROUPS",
    "OPEN_STATES",
    "BadReview",
    "CancelReason",
    "Category",
    "Channel",
    "Complaint",
    "ComplaintAttachment",
    "ComplaintClaim",
    "ComplaintSettings",
    "EmergencyPlan",
    "EmergencySeminar",
    "Escalation",
    "EscalationTrigger",
    "Incident",
    "IncidentReport",
    "Kind",
    "Level",
    "Milestone",
    "Rectification",
    "PlatformCase",
    "PostAuthority",
    "RectificationMeasure",
    "ReviewMeeting",
    "ScorePosting",
    "CallRecord",
    "ServiceLevelDay",
    "Severity",
    "SlaMilestone",
    "SlaPause",
    "SlaPolicy",
    "State",
    "SupervisionCheck",
    "Survey",
    "Verdict",
    "WorkOrder",
]
