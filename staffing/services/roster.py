"""Roster writes: generate from a rotating pattern, publish, record changes (STF-02)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.services.notifications import notification_send
from staffing.models import CalendarFeed, RosterChange, RosterEntry, RosterPattern

from .errors import StaffingError


def pattern_step_for(pattern: RosterPattern, steps: list, start_step: int, day: dt.date):
    """The step a member starting at ``start_step`` is on at ``day``: blocks of rotation_days."""
    if not steps:
        return None
    block = (day - pattern.start_date).days // pattern.rotation_days
    return steps[(start_step + block) % len(steps)]


def roster_generate(pattern: RosterPattern, start: dt.date, end: dt.date, *, user=None) -> int:
    """One draft entry per member per day; published entries are never overwritten."""
    if end < start:
        raise StaffingError(_("The end date is before the start date."))
    if start < pattern.start_date:
        raise StaffingError(_("The roster cannot start before the pattern's first day."))
    steps = list(pattern.steps.order_by("order"))
    members = list(pattern.members.select_related("employee").filter(employee__is_active=True))
    written = 0
    with transaction.atomic():
        existing = {
            (e.employee_id, e.date): e
            for e in RosterEntry.objects.select_for_update().filter(
                kind=pattern.kind,
                date__range=(start, end),
                employee_id__in=[m.employee_id for m in members],
            )
        }
        day = start
        while day <= end:
            for member in members:
                step = pattern_step_for(pattern, steps, member.start_step, day)
                shift_type = step.shift_type if step else None
                duty = step.duty if step else ""
                entry = existing.get((member.employee_id, day))
                if entry is None:
                    RosterEntry.objects.create(
                        employee=member.employee,
                        date=day,
                        kind=pattern.kind,
                        pattern=pattern,
                        shift_type=shift_type,
                        duty=duty,
                    )
                    written += 1
                elif entry.status == RosterEntry.Status.DRAFT:
                    entry.pattern, entry.shift_type, entry.duty = pattern, shift_type, duty
                    entry.save(update_fields=["pattern", "shift_type", "duty"])
                    written += 1
            day += dt.timedelta(days=1)
    return written


def roster_publish(pattern: RosterPattern, start: dt.date, end: dt.date, *, user) -> int:
    """STF-02: the supervisor publishes the drafts; each member is told once."""
    now = timezone.now()
    with transaction.atomic():
        drafts = list(
            RosterEntry.objects.select_for_update(of=("self",))
            .filter(pattern=pattern, date__range=(start, end), status=RosterEntry.Status.DRAFT)
            .select_related("employee__user")
        )
        for entry in drafts:
            entry.status, entry.published_at = RosterEntry.Status.PUBLISHED, now
            entry._history_user = user
            entry.save(update_fields=["status", "published_at"])
        people = {e.employee.user for e in drafts}
        if people:
            notification_send(
                people,
                _("%(roster)s published: %(start)s – %(end)s")
                % {"roster": pattern.get_kind_display(), "start": start, "end": end},
                link="/staff/",
                dedupe_key=f"roster:{pattern.pk}:{start}:{end}:{now.timestamp():.0f}",
            )
    return len(drafts)


def roster_entry_change(
    entry: RosterEntry,
    *,
    shift_type,
    cause: str,
    user=None,
    reason: str = "",
    swap=None,
    leave=None,
) -> RosterChange:
    """Change one (locked) published entry and record why. Called inside the caller's atomic."""
    change = RosterChange.objects.create(
        entry=entry,
        cause=cause,
        old_shift_type=entry.shift_type,
        new_shift_type=shift_type,
        reason=reason,
        changed_by=user,
    )
    entry.shift_type = shift_type
    entry.change_cause = cause
    fields = ["shift_type", "change_cause"]
    if swap is not None:
        entry.swap = swap
        fields.append("swap")
    if leave is not None:
        entry.leave = leave
        fields.append("leave")
    entry._history_user = user
    entry.save(update_fields=fields)
    return change


def roster_entry_edit(entry_id: int, *, shift_type, user, reason: str) -> RosterEntry:
    """A supervisor's manual change of a published entry, with its reason."""
    if not reason.strip():
        raise StaffingError(_("Give the reason for the change."))
    with transaction.atomic():
        entry = RosterEntry.objects.select_for_update().get(pk=entry_id)
        if entry.status != RosterEntry.Status.PUBLISHED:
            entry.shift_type = shift_type
            entry.save(update_fields=["shift_type"])
            return entry
        roster_entry_change(
            entry, shift_type=shift_type, cause=RosterEntry.Cause.MANUAL, user=user, reason=reason
        )
    return entry


def calendar_feed_get_or_create(employee) -> CalendarFeed:
    """The employee's secret iCalendar feed token, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(employee=employee)
    return feed
