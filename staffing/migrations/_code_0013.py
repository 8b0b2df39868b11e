# The code of staffing.migrations.0013_score_events_by_payday_period, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""SCR-01/SCR-04 (issue 13 point 17): score events are keyed by their score period (payday to
the day before the next payday, labelled by the month it starts in), no longer by calendar
month. Re-key the events recorded before, with their reversals and appeals, except where the old
month or the new period is already settled for the department (a frozen sheet keeps its basis).
Plain updates: the ledger's history is not rewritten. Not reversible (a no-op backwards)."""

from zoneinfo import ZoneInfo

from django.conf import settings

from staffing.rules.scoring import period_containing


def rekey(apps, schema_editor):
    ScoreEvent = apps.get_model("staffing", "ScoreEvent")
    ScoreAppeal = apps.get_model("staffing", "ScoreAppeal")
    Settlement = apps.get_model("staffing", "Settlement")
    ScoringPolicy = apps.get_model("staffing", "ScoringPolicy")
    policy = ScoringPolicy.objects.filter(pk=1).first()
    payday_day = policy.payday_day if policy else 10
    tz = ZoneInfo(settings.TIME_ZONE)
    settled, paydays = set(), {}
    for department_id, month, payday, state in Settlement.objects.values_list(
        "department_id", "month", "payday", "state"
    ):
        paydays.setdefault(department_id, {})[month] = payday
        if state == "settled":
            settled.add((department_id, month))
    events = ScoreEvent.objects.filter(kind="record").values_list(
        "pk", "month", "occurred_at", "employee__department_id"
    )
    for pk, month, occurred_at, department_id in events.iterator():
        day = occurred_at.astimezone(tz).date()
        period = period_containing(day, payday_day, paydays.get(department_id))
        if period == month or {(department_id, month), (department_id, period)} & settled:
            continue
        ScoreEvent.objects.filter(pk=pk).update(month=period)
        ScoreEvent.objects.filter(reverses_id=pk).update(month=period)
        ScoreAppeal.objects.filter(event_id=pk).update(month=period)
