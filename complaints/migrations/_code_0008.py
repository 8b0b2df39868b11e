# The code of complaints.migrations.0008_sla_promise_and_holder_deadlines, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

OPEN = [
    "received",
    "accepted",
    "investigating",
    "solution_proposed",
    "awaiting_feedback",
    "rectification",
]


def _end_of_day(moment):
    tz = ZoneInfo(settings.TIME_ZONE)
    day = moment.astimezone(tz).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz)


def _deadline(start, minutes, same_day, paused):
    if same_day:
        base = _end_of_day(start)
    elif minutes:
        base = start + dt.timedelta(minutes=minutes)
    else:
        return None
    return base + dt.timedelta(seconds=paused)


def forwards(apps, schema_editor):
    """CMP-05: the same-day cut-off is off by default (the old 22:00 default is cleared).
    CMP-03/04: open escalated complaints get their promise back: what escalation had set becomes
    the holder's deadlines, respond_by / resolve_by return to the complaint's own policy from the
    start of its clock (pauses since then added), and the sweep looks at them at once, so a
    promise already passed is recorded as breached by its next run."""
    ComplaintSettings = apps.get_model("complaints", "ComplaintSettings")
    ComplaintSettings.objects.filter(same_day_cutoff=dt.time(22, 0)).update(same_day_cutoff=None)
    Complaint = apps.get_model("complaints", "Complaint")
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    SlaPause = apps.get_model("complaints", "SlaPause")
    policies = {(p.kind, p.severity): p for p in SlaPolicy.objects.all()}
    moment = dt.datetime.now(dt.UTC)
    rows = Complaint.objects.filter(
        state__in=OPEN, escalation_level__gt=0, escalated_at__isnull=False
    )
    for c in rows.iterator():
        start = min(c.received_at, c.clock_started_at)
        paused = 0
        for p in SlaPause.objects.filter(complaint_id=c.pk, started_at__gte=start):
            paused += int(((p.ended_at or moment) - p.started_at).total_seconds())
        policy = policies.get((c.kind, c.severity))
        c.holder_respond_by = c.respond_by if c.responded_at is None else None
        c.holder_resolve_by = c.resolve_by
        c.holder_paused_seconds = c.paused_seconds
        c.clock_started_at, c.paused_seconds = start, paused
        if policy is not None:
            if c.responded_at is None:
                c.respond_by = _deadline(
                    start, policy.response_minutes, policy.response_same_day, 0
                )
            c.resolve_by = _deadline(
                start, policy.resolution_minutes, policy.resolution_same_day, paused
            )
        # The old marks meant "missed at HQ level"; the promise's breach is recorded anew.
        c.response_hq_missed_at, c.resolution_hq_missed_at = (
            c.response_breached_at,
            c.resolution_breached_at,
        )
        c.response_breached_at = c.resolution_breached_at = None
        c.next_check_at = moment
        c.save(
            update_fields=[
                "holder_respond_by",
                "holder_resolve_by",
                "holder_paused_seconds",
                "clock_started_at",
                "paused_seconds",
                "respond_by",
                "resolve_by",
                "response_breached_at",
                "resolution_breached_at",
                "response_hq_missed_at",
                "resolution_hq_missed_at",
                "next_check_at",
            ]
        )
