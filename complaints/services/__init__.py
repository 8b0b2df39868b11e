"""Every write of the complaints app. Import from here: ``from complaints.services import ...``."""

from .calls import call_records_import
from .claims import complaint_claim_decide, complaint_claim_file
from .common import ComplaintError, TransitionConflict
from .escalation import complaint_escalate, escalation_target, promise_text, sla_sweep
from .followup import (
    measure_done,
    rectification_evaluate,
    rectification_open,
    supervision_check_record,
    work_order_complete,
    work_order_create,
    work_orders_overdue_notify,
)
from .incidents import (
    emergency_plan_for_incident,
    emergency_plan_in_force,
    emergency_plan_measures,
    emergency_seminar_record,
    incident_close,
    incident_create,
    incident_open,
    incident_report_required,
    incident_report_write,
    loss_incident_open,
    post_authorities_parse,
    review_meeting_record,
)
from .lifecycle import (
    complaint_accept,
    complaint_assign,
    complaint_cancel,
    complaint_close,
    complaint_create,
    complaint_feedback_record,
    complaint_findings_record,
    complaint_investigate,
    complaint_reopen,
    complaint_severity_change,
    complaint_solution_propose,
    complaint_solution_send,
)
from .surveys import (
    service_level_day_record,
    survey_answer,
    survey_create,
)
from .verdicts import (
    bad_review_record,
    bad_review_withdraw,
    score_postings_retry,
    verdict_overturn,
    verdict_record,
)

__all__ = [
    "ComplaintError",
    "TransitionConflict",
    "bad_review_record",
    "bad_review_withdraw",
    "complaint_accept",
    "complaint_assign",
    "complaint_cancel",
    "complaint_claim_decide",
    "complaint_claim_file",
    "complaint_close",
    "complaint_create",
    "complaint_escalate",
    "complaint_feedback_record",
    "complaint_findings_record",
    "complaint_investigate",
    "complaint_reopen",
    "complaint_severity_change",
    "complaint_solution_propose",
    "complaint_solution_send",
    "emergency_plan_for_incident",
    "emergency_plan_in_force",
    "emergency_plan_measures",
    "emergency_seminar_record",
    "escalation_target",
    "post_authorities_parse",
    "incident_close",
    "incident_create",
    "incident_open",
    "incident_report_required",
    "incident_report_write",
    "loss_incident_open",
    "measure_done",
    "rectification_evaluate",
    "rectification_open",
    "review_meeting_record",
    "score_postings_retry",
    "service_level_day_record",
    "call_records_import",
    "promise_text",
    "sla_sweep",
    "supervision_check_record",
    "survey_answer",
    "survey_create",
    "verdict_overturn",
    "verdict_record",
    "work_order_complete",
    "work_order_create",
    "work_orders_overdue_notify",
]
from .steps import (  # noqa: E402
    complaint_steps_available,
    incident_steps_available,
    measure_check_possible,
    measure_done_possible,
    verdict_standing_get,
)

__all__ += [
    "complaint_steps_available",
    "incident_steps_available",
    "measure_check_possible",
    "measure_done_possible",
    "verdict_standing_get",
]
