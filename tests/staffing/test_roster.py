import datetime as dt

import pytest
import time_machine

from courier.core.models import Notification
from staffing.models import (
    Department,
    HandoverNote,
    Holiday,
    RosterChange,
    RosterEntry,
    RosterKind,
    RosterPattern,
    RosterPatternMember,
    RosterPatternStep,
    ShiftType,
)
from staffing.rules.calendar import holidays_for_year
from staffing.services.calendar import holidays_seed
from staffing.services.errors import StaffingError
from staffing.services.handover import handover_note_acknowledge, handover_note_write
from staffing.services.roster import roster_entry_edit, roster_generate, roster_publish
from tests.staffing.factories import at, entry, shift, team

pytestmark = pytest.mark.django_db


def _pattern(kind=RosterKind.DUTY, steps=("cs-early", "cs-late"), members=2):
    supervisor, agents = team(members)
    pattern = RosterPattern.objects.create(
        name="CS",
        kind=kind,
        department=Department.objects.get(code="customer-service"),
        start_date=dt.date(2026, 3, 1),
    )
    for order, step in enumerate(steps):
        if kind == RosterKind.DUTY:
            RosterPatternStep.objects.create(pattern=pattern, order=order, shift_type=shift(step))
        else:
            RosterPatternStep.objects.create(pattern=pattern, order=order, duty=step)
    for i, agent in enumerate(agents):
        RosterPatternMember.objects.create(pattern=pattern, employee=agent, start_step=i)
    return supervisor, agents, pattern


def test_default_shift_types_have_split_sessions():
    """STF-01: CS early 09:00–11:30 + 12:30–18:30, CS late 13:00–17:30 + 18:30–23:30 (late
    flag), printing early 09:00–11:30 + 12:30–18:30, seeded as editable rows."""

    def sessions(code):
        return [
            (f"{s.start:%H:%M}", f"{s.end:%H:%M}")
            for s in ShiftType.objects.get(code=code).sessions.all()
        ]

    assert sessions("cs-early") == [("09:00", "11:30"), ("12:30", "18:30")]
    assert sessions("cs-late") == [("13:00", "17:30"), ("18:30", "23:30")]
    assert sessions("printing-early") == [("09:00", "11:30"), ("12:30", "18:30")]
    assert list(ShiftType.objects.filter(is_late=True).values_list("code", flat=True)) == [
        "cs-late"
    ]
    late = ShiftType.objects.get(code="cs-late").session_times(dt.date(2026, 3, 10))
    assert late[1] == (at("2026-03-10", "18:30"), at("2026-03-10", "23:30"))


def test_pattern_rotates_every_5_days_one_entry_per_person_per_day():
    """STF-02: the team pattern rotates every 5 days and yields one entry per person per day."""
    _, (a, b), pattern = _pattern()
    assert roster_generate(pattern, dt.date(2026, 3, 1), dt.date(2026, 3, 20)) == 40

    def codes(person):
        return [
            e.shift_type.code for e in RosterEntry.objects.filter(employee=person).order_by("date")
        ]

    assert codes(a) == ["cs-early"] * 5 + ["cs-late"] * 5 + ["cs-early"] * 5 + ["cs-late"] * 5
    assert codes(b) == ["cs-late"] * 5 + ["cs-early"] * 5 + ["cs-late"] * 5 + ["cs-early"] * 5
    # Regenerating is idempotent: still one entry per person per day.
    roster_generate(pattern, dt.date(2026, 3, 1), dt.date(2026, 3, 20))
    assert RosterEntry.objects.count() == 40
    pattern.rotation_days = 2
    pattern.save()
    roster_generate(pattern, dt.date(2026, 3, 1), dt.date(2026, 3, 4))
    assert codes(a)[:4] == ["cs-early", "cs-early", "cs-late", "cs-late"]


def test_supervisor_publishes_and_later_changes_keep_their_cause():
    """STF-02: drafts become visible when the supervisor publishes (members are notified);
    published entries are never overwritten by regeneration; a later change records its cause."""
    supervisor, (a, b), pattern = _pattern()
    roster_generate(pattern, dt.date(2026, 3, 1), dt.date(2026, 3, 5))
    assert RosterEntry.objects.filter(status=RosterEntry.Status.PUBLISHED).count() == 0
    assert (
        roster_publish(pattern, dt.date(2026, 3, 1), dt.date(2026, 3, 5), user=supervisor.user)
        == 10
    )
    assert Notification.objects.filter(recipient__in=[a.user, b.user]).count() == 2
    first = RosterEntry.objects.get(employee=a, date=dt.date(2026, 3, 1))
    with pytest.raises(StaffingError):
        roster_entry_edit(first.pk, shift_type=None, user=supervisor.user, reason="")
    roster_entry_edit(first.pk, shift_type=None, user=supervisor.user, reason="training day")
    pattern.steps.update(shift_type=shift("printing-early"))
    roster_generate(pattern, dt.date(2026, 3, 1), dt.date(2026, 3, 5))
    first.refresh_from_db()
    assert (first.shift_type, first.change_cause) == (None, RosterEntry.Cause.MANUAL)
    change = RosterChange.objects.get(entry=first)
    assert (change.old_shift_type.code, change.new_shift_type, change.reason) == (
        "cs-early",
        None,
        "training day",
    )
    assert change.changed_by == supervisor.user


def test_cleaning_roster_of_the_same_kind():
    """STF-02: the cleaning (duty) roster rotates the same way, beside the shift roster."""
    supervisor, (a, b), pattern = _pattern(RosterKind.CLEANING, steps=("打扫办公室", ""))
    entry(a, "2026-03-01")  # a's shift that day: a different roster kind
    roster_generate(pattern, dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    duties = list(
        RosterEntry.objects.filter(employee=a, kind=RosterKind.CLEANING)
        .order_by("date")
        .values_list("duty", flat=True)
    )
    assert duties == ["打扫办公室"] * 5 + [""] * 5
    assert RosterEntry.objects.filter(employee=a, date=dt.date(2026, 3, 1)).count() == 2


def test_holidays_seeded_for_this_year_and_next_with_make_up_days():
    """STF-06: public holidays and make-up working days for this year and next are seeded,
    and editable rows are kept when seeding again."""
    year = dt.date.today().year
    assert Holiday.objects.filter(date__year=year, kind=Holiday.Kind.HOLIDAY).exists()
    assert Holiday.objects.filter(date__year=year + 1, kind=Holiday.Kind.HOLIDAY).exists()
    national = Holiday.objects.get(date=dt.date(2026, 10, 1))
    assert national.kind == "holiday" and national.name == "National Day"
    assert Holiday.objects.get(date=dt.date(2026, 10, 10)).kind == "workday"
    national.name = "国庆节"
    national.save()
    assert holidays_seed(2026) == 0
    assert Holiday.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"
    assert holidays_for_year(2027)[0][:2] == (dt.date(2027, 1, 1), "holiday")


def test_handover_is_acknowledged_by_the_next_shift():
    """STF-04: the outgoing shift writes its open work; someone on the next shift acknowledges."""
    _, (a, b, c) = team(3)
    early = entry(a, "2026-03-10", "cs-early")
    entry(b, "2026-03-10", "cs-late")
    entry(c, "2026-03-10", "cs-early")
    with pytest.raises(StaffingError):
        handover_note_write(author=a, entry=early, body="  ")
    note = handover_note_write(author=a, entry=early, body="order 123 awaiting refund")
    with pytest.raises(StaffingError):
        handover_note_acknowledge(note.pk, employee=a)
    with pytest.raises(StaffingError):
        handover_note_acknowledge(note.pk, employee=c)  # same shift, not the next one
    with time_machine.travel(at("2026-03-10", "13:00"), tick=False):
        note = handover_note_acknowledge(note.pk, employee=b)
    assert note.acknowledged_by == b and note.acknowledged_at == at("2026-03-10", "13:00")
    with pytest.raises(StaffingError):
        handover_note_acknowledge(note.pk, employee=b)
    assert HandoverNote.objects.get().acknowledged_by == b
