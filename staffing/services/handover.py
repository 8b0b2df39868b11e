"""Handover notes between shifts (STF-04)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staffing.models import Employee, HandoverNote, RosterEntry, RosterKind

from .errors import StaffingError


def handover_note_write(*, author: Employee, entry: RosterEntry, body: str) -> HandoverNote:
    if entry.employee_id != author.pk or not entry.is_working:
        raise StaffingError(_("Write the handover note for one of your own shifts."))
    if not body.strip():
        raise StaffingError(_("Write the open work to hand over."))
    note = HandoverNote(author=author, entry=entry, body=body)
    note._history_user = author.user
    note.save()
    return note


def handover_note_acknowledge(note_id: int, *, employee: Employee) -> HandoverNote:
    """The next shift confirms it has read the handover: someone of the author's department on
    duty after the author."""
    with transaction.atomic():
        note = (
            HandoverNote.objects.select_for_update(of=("self",))
            .select_related("entry__shift_type", "author")
            .get(pk=note_id)
        )
        if note.acknowledged_at is not None:
            raise StaffingError(_("This handover note is already acknowledged."))
        if employee.pk == note.author_id:
            raise StaffingError(_("The next shift acknowledges the handover, not its author."))
        if employee.department_id != note.author.department_id:
            # STF-04 (issue 12): the note is the author's department's; someone on another
            # department's next shift would make it vanish from the real next shift.
            raise StaffingError(
                _("Only the next shift of the author's department can acknowledge this handover.")
            )
        author_start = note.entry.starts_at()
        later = [
            e
            for e in RosterEntry.objects.filter(
                employee=employee,
                kind=RosterKind.DUTY,
                status=RosterEntry.Status.PUBLISHED,
                shift_type__isnull=False,
                date__range=(note.entry.date, note.entry.date + dt.timedelta(days=1)),
            )
            .select_related("shift_type")
            .prefetch_related("shift_type__sessions")
            if e.starts_at() > author_start
        ]
        if not later:
            raise StaffingError(_("Only someone on the next shift can acknowledge this handover."))
        note.acknowledged_by, note.acknowledged_at = employee, timezone.now()
        note._history_user = employee.user
        note.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return note
