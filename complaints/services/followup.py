"""Rectification (CMP-08) and work orders (CMP-09)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from complaints.models import (
    ComplaintSettings,
    Rectification,
    RectificationMeasure,
    State,
    SupervisionCheck,
    WorkOrder,
)

from .common import ComplaintError, complaint_lock, now
from .outbound import staff_notify


def _perm(user, perm: str) -> None:
    if user is not None and not user.has_perm(perm):
        raise ComplaintError(_("You do not have permission for this step."))


def rectification_open(complaint, *, user, problem: str, measures: list[dict]) -> Rectification:
    """Set measures (description, owner, due_on) for the problem found."""
    _perm(user, "complaints.handle_complaint")
    if not (problem or "").strip():
        raise ComplaintError(_("Describe the problem to rectify."))
    if not measures:
        raise ComplaintError(_("Set at least one measure with an owner and a due date."))
    for m in measures:
        if not (m.get("description") or "").strip() or not m.get("owner") or not m.get("due_on"):
            raise ComplaintError(_("Every measure needs a description, an owner and a due date."))
    with transaction.atomic():
        c = complaint_lock(complaint)
        if not c.is_open:
            raise ComplaintError(_("The complaint is no longer open."))
        if Rectification.objects.filter(complaint=c).exists():
            raise ComplaintError(_("This complaint already has a rectification."))
        r = Rectification(complaint=c, problem=problem.strip(), created_by=user)
        r._history_user = user
        r.save()
        for m in measures:
            RectificationMeasure.objects.create(
                rectification=r,
                description=m["description"].strip(),
                owner=m["owner"],
                due_on=m["due_on"],
            )
    return r


def measure_done(measure: RectificationMeasure, *, user) -> RectificationMeasure:
    _perm(user, "complaints.handle_complaint")
    with transaction.atomic():
        m = RectificationMeasure.objects.select_for_update().get(pk=measure.pk)
        if m.done_at is None:
            m.done_at = now()
            m._history_user = user
            m.save(update_fields=["done_at"])
    return m


def supervision_check_record(
    measure: RectificationMeasure, *, user, passed: bool, notes: str = ""
) -> SupervisionCheck:
    """A supervisor checks a measure's execution; a failed check reopens the measure."""
    _perm(user, "complaints.supervise_complaint")
    if not passed and not (notes or "").strip():
        raise ComplaintError(_("Say what was not carried out."))
    with transaction.atomic():
        m = RectificationMeasure.objects.select_for_update().get(pk=measure.pk)
        if m.done_at is None:
            raise ComplaintError(_("The measure is not reported done yet."))
        check = SupervisionCheck.objects.create(
            measure=m, checked_by=user, checked_at=now(), passed=passed, notes=notes.strip()
        )
        if not passed:
            m.done_at = None
            m._history_user = user
            m.save(update_fields=["done_at"])
    return check


def rectification_evaluate(
    rectification: Rectification,
    *,
    user,
    satisfaction_before: Decimal,
    satisfaction_after: Decimal,
    process_improvement: str,
) -> Rectification:
    """CMP-08: the effect is evaluated once every measure passed a supervision check; a
    complaint waiting in rectification closes with it."""
    from .lifecycle import complaint_close

    if not (process_improvement or "").strip():
        raise ComplaintError(_("Describe how the process is improved."))
    for value in (satisfaction_before, satisfaction_after):
        if value is None or not Decimal(1) <= Decimal(value) <= Decimal(5):
            raise ComplaintError(_("Satisfaction is measured from 1 to 5."))
    with transaction.atomic():
        r = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if user is not None and not has_transition_perm(r.evaluate, user):
            raise ComplaintError(_("You do not have permission for this step."))
        if r.state != Rectification.State.OPEN:
            raise ComplaintError(_("The rectification was already evaluated."))
        unchecked = [
            m.description[:40]
            for m in r.measures.all()
            if m.done_at is None or not m.checks.filter(passed=True).exists()
        ]
        if unchecked:
            raise ComplaintError(
                _("Measures not yet done and checked: %(list)s") % {"list": "; ".join(unchecked)}
            )
        r.evaluate()
        r.satisfaction_before = Decimal(satisfaction_before)
        r.satisfaction_after = Decimal(satisfaction_after)
        r.improved = r.satisfaction_after > r.satisfaction_before
        r.process_improvement = process_improvement.strip()
        r.evaluated_by, r.evaluated_at = user, now()
        r._history_user = user
        r.save()
        if r.complaint.state == State.RECTIFICATION:
            complaint_close(r.complaint, user=user, reason="rectification evaluated")
    return r


def work_order_create(
    complaint, *, user, assignee, instructions: str, due_at: dt.datetime | None = None
) -> WorkOrder:
    """CMP-09: an issue not solved in one contact goes to a senior agent with its own due time."""
    _perm(user, "complaints.handle_complaint")
    if not (instructions or "").strip():
        raise ComplaintError(_("Say what the senior agent is to do."))
    if assignee is None or not assignee.is_active:
        raise ComplaintError(_("Choose an active senior agent."))
    at = now()
    due_at = due_at or at + dt.timedelta(hours=ComplaintSettings.load().work_order_hours)
    if due_at <= at:
        raise ComplaintError(_("The due time must be in the future."))
    with transaction.atomic():
        c = complaint_lock(complaint)
        if not c.is_open:
            raise ComplaintError(_("The complaint is no longer open."))
        if c.assigned_agent_id == assignee.pk:
            raise ComplaintError(_("A work order goes to another, senior agent."))
        wo = WorkOrder(
            complaint=c,
            assignee=assignee,
            instructions=instructions.strip(),
            due_at=due_at,
            created_by=user,
        )
        wo._history_user = user
        wo.save()
        staff_notify(
            [assignee.user],
            _("Work order for complaint #%(pk)s, due %(due)s") % {"pk": c.pk, "due": due_at},
            instructions,
            link=f"/admin/complaints/workorder/{wo.pk}/change/",
            dedupe_key=f"workorder:{wo.pk}:assigned",
        )
    return wo


def work_order_complete(work_order: WorkOrder, *, user, result: str) -> WorkOrder:
    if not (result or "").strip():
        raise ComplaintError(_("Record the result."))
    with transaction.atomic():
        wo = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
        if wo.state != WorkOrder.State.OPEN:
            raise ComplaintError(_("The work order is already done."))
        if user is not None and not has_transition_perm(wo.complete, user):
            raise ComplaintError(_("You do not have permission for this step."))
        wo.complete()
        wo.result, wo.done_at = result.strip(), now()
        wo._history_user = user
        wo.save()
    return wo


def work_orders_overdue_notify(*, at: dt.datetime | None = None) -> int:
    """Tell the senior agent and their supervisor once when a work order passes its due time."""
    at = at or now()
    count = 0
    with transaction.atomic():
        rows = list(
            WorkOrder.objects.select_for_update(skip_locked=True)
            .filter(state=WorkOrder.State.OPEN, due_at__lte=at, overdue_notified_at__isnull=True)
            .order_by("due_at")[:200]
        )
        for wo in rows:
            people = [wo.assignee.user]
            if wo.assignee.supervisor_id:
                people.append(wo.assignee.supervisor.user)
            staff_notify(
                people,
                _("Work order %(pk)s is overdue") % {"pk": wo.pk},
                wo.instructions,
                link=f"/admin/complaints/workorder/{wo.pk}/change/",
                dedupe_key=f"workorder:{wo.pk}:overdue",
            )
            wo.overdue_notified_at = at
            wo._history_user = None
            wo.save(update_fields=["overdue_notified_at"])
            count += 1
    return count
