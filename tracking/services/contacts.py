"""The one inbound contact log (TRK-01, CMP-01): every enquiry, query, suggestion, complaint or
claim by any channel, with a one-click route into a complaint, a work order or a call task."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.services import complaint_create, work_order_create
from courier.core.errors import InvalidInput, StateConflict
from staffing import selectors as staffing_selectors
from tracking import rules, selectors
from tracking.models import COMPLAINT_CHANNEL, ContactChannel, ContactKind, ContactLog
from tracking.services.work import follow_up_open


def contact_lock(contact: ContactLog) -> ContactLog:
    return ContactLog.objects.select_for_update().get(pk=contact.pk)


def contact_record(
    *,
    user,
    channel: str,
    kind: str,
    waybill_number: str = "",
    customer_name: str = "",
    customer_phone: str = "",
    summary: str = "",
    outcome: str = "",
    agent=None,
    received_at=None,
) -> ContactLog:
    """Log one inbound contact; the agent defaults to the recording person's employee."""
    errors = {}
    if channel not in ContactChannel.values:
        errors["channel"] = _("Choose the channel.")
    if kind not in ContactKind.values:
        errors["kind"] = _("Choose what kind of contact it is.")
    if errors:
        raise InvalidInput(errors)
    waybill_number = (waybill_number or "").strip()
    shipment = selectors.lookup_shipment(waybill_number) if waybill_number else None
    contact = ContactLog(
        channel=channel,
        kind=kind,
        waybill_number=waybill_number,
        shipment=shipment,
        customer_name=customer_name.strip(),
        customer_phone=customer_phone.strip(),
        summary=summary.strip(),
        outcome=outcome.strip(),
        agent=agent or staffing_selectors.employee_for_user(user),
        received_at=received_at or timezone.now(),
        created_by=user,
    )
    contact._history_user = user
    contact.save()
    return contact


def contact_close(contact: ContactLog, *, user, outcome: str) -> ContactLog:
    if not (outcome or "").strip():
        raise InvalidInput({"outcome": _("Record the outcome.")})
    with transaction.atomic():
        locked = contact_lock(contact)
        if locked.state != "open":
            raise StateConflict(_("This contact is already closed."))
        locked.close()
        locked.outcome = outcome.strip()
        locked._history_user = user
        locked._change_reason = "closed"
        locked.save(update_fields=["state", "outcome"])
        return locked


def _routable(locked: ContactLog) -> None:
    if locked.state != "open":
        raise StateConflict(_("This contact is already closed."))
    if locked.route:
        raise StateConflict(_("This contact has already been routed."), code="already_routed")


def _complaint_for(locked: ContactLog, *, user, category: str, description: str = ""):
    return complaint_create(
        user=user,
        channel=COMPLAINT_CHANNEL[locked.channel],
        customer_name=locked.customer_name or _("Unnamed customer"),
        customer_phone=locked.customer_phone,
        description=description or locked.summary,
        category=category,
        shipment=locked.shipment,
        assigned_agent=locked.agent,
        received_at=locked.received_at,
    )


def contact_route_complaint(
    contact: ContactLog, *, user, category: str, description: str = ""
) -> ContactLog:
    """One click: the contact becomes a complaint (CMP-01), its clock from the contact's time."""
    with transaction.atomic():
        locked = contact_lock(contact)
        _routable(locked)
        locked.complaint = _complaint_for(
            locked, user=user, category=category, description=description
        )
        locked.route = ContactLog.Route.COMPLAINT
        locked.close()
        locked.outcome = locked.outcome or _("Routed to complaint %(id)s") % {
            "id": locked.complaint.pk
        }
        locked._history_user = user
        locked._change_reason = "routed: complaint"
        locked.save(update_fields=["complaint", "route", "state", "outcome"])
        return locked


def contact_route_work_order(
    contact: ContactLog, *, user, category: str, assignee, instructions: str
) -> ContactLog:
    """CMP-09: not solved in one contact → a complaint with a work order to a senior agent."""
    with transaction.atomic():
        locked = contact_lock(contact)
        _routable(locked)
        complaint = _complaint_for(locked, user=user, category=category)
        work_order_create(complaint, user=user, assignee=assignee, instructions=instructions)
        locked.complaint = complaint
        locked.route = ContactLog.Route.WORK_ORDER
        locked.close()
        locked.outcome = locked.outcome or _("Routed to a work order")
        locked._history_user = user
        locked._change_reason = "routed: work order"
        locked.save(update_fields=["complaint", "route", "state", "outcome"])
        return locked


def contact_route_call(contact: ContactLog, *, user, reason: str = rules.UNCERTAIN) -> ContactLog:
    """The contact becomes a follow-up call on its shipment (TRK-04)."""
    with transaction.atomic():
        locked = contact_lock(contact)
        _routable(locked)
        if locked.shipment_id is None:
            raise InvalidInput({"waybill_number": _("A call task needs a known waybill.")})
        task = follow_up_open(locked.shipment, reason, user=user, note=locked.summary)
        if task is None:
            task = selectors.open_follow_up(locked.shipment_id, reason)
        locked.follow_up = task
        locked.route = ContactLog.Route.CALL
        locked.close()
        locked.outcome = locked.outcome or _("Routed to a call task")
        locked._history_user = user
        locked._change_reason = "routed: call"
        locked.save(update_fields=["follow_up", "route", "state", "outcome"])
        return locked
