"""Issue 12 item 6: a handover note is acknowledged only by the next shift of its department."""

import pytest
import time_machine

from staffing.models import Department, HandoverNote
from staffing.services.errors import StaffingError
from staffing.services.handover import handover_note_acknowledge, handover_note_write
from tests.factories import EmployeeFactory
from tests.staffing.factories import at, entry, team

pytestmark = pytest.mark.django_db


def test_next_shift_of_another_department_cannot_acknowledge():
    """STF-04: someone on the late shift of another department is refused and the note stays
    open for the author's own next shift, who acknowledges it."""
    _, (a, b) = team(2)
    other = Department.objects.create(code="operations-x", name="运营部X")
    stranger = EmployeeFactory(department=other)
    early = entry(a, "2026-03-10", "cs-early")
    entry(b, "2026-03-10", "cs-late")
    entry(stranger, "2026-03-10", "cs-late")
    note = handover_note_write(author=a, entry=early, body="order 123 awaiting refund")
    with time_machine.travel(at("2026-03-10", "13:00"), tick=False):
        with pytest.raises(StaffingError, match="department"):
            handover_note_acknowledge(note.pk, employee=stranger)
        assert HandoverNote.objects.get(pk=note.pk).acknowledged_at is None
        note = handover_note_acknowledge(note.pk, employee=b)
    assert note.acknowledged_by == b
