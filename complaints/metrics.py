"""The complaints' figures on ``/metrics`` (registered into ``courier.core.metrics``)."""

from django.db.models import Count, Min
from django.utils import timezone

from courier.core.metrics import metric_register, timed_job_declare

timed_job_declare("complaints_sla_sweep")


@metric_register(
    "courier_complaints_escalation_lag_seconds",
    help=(
        "Seconds the oldest due SLA check (warning, escalation, breach) of a complaint has "
        "waited for the sweep; 0 when the sweep is up to date."
    ),
)
def escalation_lag():
    from complaints.models import Complaint

    now = timezone.now()
    oldest = Complaint.objects.filter(next_check_at__lte=now).aggregate(m=Min("next_check_at"))
    return max((now - oldest["m"]).total_seconds(), 0) if oldest["m"] else 0


@metric_register(
    "courier_complaints_sla_checks_due",
    help="Complaints whose SLA check is due now and not yet done by the sweep.",
)
def checks_due():
    from complaints.models import Complaint

    return Complaint.objects.filter(next_check_at__lte=timezone.now()).aggregate(n=Count("pk"))["n"]
