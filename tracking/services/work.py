"""Follow-up calls, arrival confirmations, chases and the twice-daily sweep (TRK-02..05,
TRK-10). Every write: a transaction, the row locked, the state re-checked, history with the
acting user."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from courier.core.errors import InvalidInput, StateConflict
from courier.core.services.notifications import notification_send
from tracking import rules, selectors
from tracking.models import (
    ChaseReply,
    FollowUpTask,
    GoodsCondition,
    Outcome,
    Reason,
    ShipmentTracking,
)
from tracking.services.common import policy, users_in_role
from tracking.services.sms import sms_queue

FINAL_OUTCOMES = {
    Outcome.REACHED,
    Outcome.WRONG_NUMBER,
    Outcome.STATION_UNTRUE,
    Outcome.ABNORMAL,
    Outcome.DELIVERED,
    Outcome.UNDELIVERED,
}


def _admin_link(task: FollowUpTask) -> str:
    return f"/admin/tracking/followuptask/{task.pk}/change/"


def follow_up_lock(task: FollowUpTask) -> FollowUpTask:
    return FollowUpTask.objects.select_for_update().select_related("shipment").get(pk=task.pk)


@dataclass
class Assigner:
    """Round robin among the agents on shift at ``at`` (TRK-04); read once per sweep."""

    department_id: int | None
    at: dt.datetime
    candidates: list[int] = field(default_factory=list)
    last: int | None = None
    loaded: bool = False

    def next(self) -> int | None:
        if not self.loaded:
            self.candidates = selectors.agents_on_shift(self.department_id, self.at)
            self.last = selectors.last_assignee_id() if self.candidates else None
            self.loaded = True
        self.last = rules.round_robin_next(self.candidates, self.last) or self.last
        return self.last if self.candidates else None


def follow_up_open(
    shipment,
    reason: str,
    *,
    user,
    source_event=None,
    note: str = "",
    now: dt.datetime | None = None,
    assigner: Assigner | None = None,
    rules_row=None,
) -> FollowUpTask | None:
    """Open a call for ``shipment`` (TRK-04): due by the morning/afternoon rule, assigned round
    robin to an agent on shift. None when one is already open for that shipment and reason.
    ``rules_row``: the policy, when the caller (a batch) has read it already."""
    if reason not in Reason.values:
        raise InvalidInput({"reason": _("Unknown follow-up reason.")})
    now = now or timezone.now()
    rules_row = rules_row or policy()
    assigner = assigner or Assigner(rules_row.followup_department_id, now)
    due = rules.follow_up_due_at(
        timezone.localtime(now),
        afternoon_starts=rules_row.afternoon_starts,
        same_day_due=rules_row.same_day_due,
        next_day_due=rules_row.next_day_due,
    )
    if selectors.open_follow_up(shipment.pk, reason) is not None:
        return None
    task = FollowUpTask(
        shipment=shipment,
        reason=reason,
        due_at=due,
        assignee_id=assigner.next(),
        source_event=source_event,
        note=note,
        created_by=user,
        created_at=now,
    )
    if reason == rules.CHASE:
        task.chase_until = rules.chase_until(now, rules_row.chase_days)
    task._history_user = user
    task._change_reason = f"opened: {reason}"
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:  # another process opened it first (the one-open constraint)
        return None
    if reason == rules.ARRIVAL:
        _arrival_sms(shipment)
    if reason == rules.VIP:
        _vip_update_sms(shipment)
    return task


def _arrival_sms(shipment) -> None:
    """TRK-03: the SMS to the receiving point."""
    sms_queue(
        shipment.order.recipient_phone,
        "arrival",
        shipment=shipment,
        waybill=shipment.waybill_number,
    )


def _vip_update_sms(shipment) -> None:
    """TRK-10: the proactive daily update to a VIP customer."""
    tracking = ShipmentTracking.objects.filter(pk=shipment.pk).first()
    sms_queue(
        shipment.order.recipient_phone,
        "vip-update",
        shipment=shipment,
        waybill=shipment.waybill_number,
        status=tracking.get_last_status_display() if tracking and tracking.last_status else "",
        location=tracking.last_location if tracking else "",
    )


def follow_up_attempt_record(task: FollowUpTask, *, user, note: str = "") -> FollowUpTask:
    """A call that reached nobody: one more attempt; the task stays open."""
    with transaction.atomic():
        locked = follow_up_lock(task)
        if locked.state != "open":
            raise StateConflict(_("This call is no longer open."))
        locked.attempts += 1
        locked.last_attempt_at = timezone.now()
        if note:
            locked.note = "\n".join(filter(None, [locked.note, note]))
        locked._history_user = user
        locked._change_reason = "no answer"
        locked.save(update_fields=["attempts", "last_attempt_at", "note"])
        return locked


def follow_up_complete(
    task: FollowUpTask, *, user, outcome: str, note: str = "", **arrival
) -> FollowUpTask:
    """Close a call with its outcome. An arrival call (TRK-03) records arrival time, goods
    condition, the driver's attitude and who signed; an anomaly is reported to the supervisor
    (and after-sales for damaged goods) at once."""
    if outcome not in FINAL_OUTCOMES:
        raise InvalidInput({"outcome": _("Choose the outcome of the call.")})
    with transaction.atomic():
        locked = follow_up_lock(task)
        if locked.state != "open":
            raise StateConflict(_("This call is no longer open."))
        fields = ["state", "outcome", "note", "attempts", "last_attempt_at"]
        fields += ["completed_at", "completed_by"]
        if locked.reason == rules.ARRIVAL:
            _arrival_fill(locked, arrival)
            fields += ["arrival_time", "goods_condition", "driver_attitude", "signed_by"]
        now = timezone.now()
        locked.complete()
        locked.outcome = outcome
        locked.note = note or locked.note
        locked.attempts += 1
        locked.last_attempt_at = now
        locked.completed_at = now
        locked.completed_by = user
        locked._history_user = user
        locked._change_reason = f"done: {outcome}"
        locked.save(update_fields=fields)
        if locked.reason == rules.ARRIVAL:
            _arrival_confirmed(locked, user=user)
        return locked


def _arrival_fill(task: FollowUpTask, data: dict) -> None:
    errors = {}
    for name in ("arrival_time", "goods_condition", "driver_attitude", "signed_by"):
        if not data.get(name):
            errors[name] = _("Required for an arrival confirmation.")
    if errors:
        raise InvalidInput(errors)
    task.arrival_time = data["arrival_time"]
    task.goods_condition = data["goods_condition"]
    task.driver_attitude = data["driver_attitude"]
    task.signed_by = data["signed_by"].strip()


def _arrival_confirmed(task: FollowUpTask, *, user) -> None:
    tracking = ShipmentTracking.objects.select_for_update().filter(pk=task.shipment_id).first()
    if tracking is not None:
        tracking.arrival_confirmed_at = task.completed_at
        tracking.save(update_fields=["arrival_confirmed_at"])
    anomaly = task.goods_condition != GoodsCondition.GOOD or task.driver_attitude == "poor"
    if not anomaly:
        return
    shipment = task.shipment
    subject = _("Arrival anomaly on %(waybill)s: goods %(goods)s, driver %(attitude)s") % {
        "waybill": shipment.waybill_number,
        "goods": task.get_goods_condition_display(),
        "attitude": task.get_driver_attitude_display(),
    }
    recipients = list(users_in_role("supervisor"))
    if shipment.dedicated_agent_id:
        recipients.append(shipment.dedicated_agent)
    if task.goods_condition == GoodsCondition.DAMAGED:
        recipients += list(users_in_role("aftersales"))
    notification_send(
        recipients, subject, task.note, link=_admin_link(task), dedupe_key=f"trk-arrival:{task.pk}"
    )


def follow_up_cancel(task: FollowUpTask, *, user, reason: str) -> FollowUpTask:
    if not (reason or "").strip():
        raise InvalidInput({"reason": _("Say why the call is cancelled.")})
    with transaction.atomic():
        locked = follow_up_lock(task)
        if locked.state != "open":
            raise StateConflict(_("This call is no longer open."))
        locked.cancel()
        locked.note = "\n".join(filter(None, [locked.note, reason]))
        locked._history_user = user
        locked._change_reason = reason[:100]
        locked.save(update_fields=["state", "note"])
        return locked


def follow_up_reassign(task: FollowUpTask, *, user, assignee) -> FollowUpTask:
    with transaction.atomic():
        locked = follow_up_lock(task)
        if locked.state != "open":
            raise StateConflict(_("This call is no longer open."))
        locked.assignee = assignee
        locked._history_user = user
        locked._change_reason = "reassigned"
        locked.save(update_fields=["assignee"])
        return locked


# --- chasing (TRK-05) ---------------------------------------------------------------------------
def chase_reply_record(
    task: FollowUpTask, *, user, station_head: str, reply: str, now=None
) -> ChaseReply:
    """The station head's reply for today's chase; one per day of the chase."""
    errors = {}
    if not (station_head or "").strip():
        errors["station_head"] = _("Name the station head who replied.")
    if not (reply or "").strip():
        errors["reply"] = _("Record the reply.")
    if errors:
        raise InvalidInput(errors)
    now = now or timezone.now()
    with transaction.atomic():
        locked = follow_up_lock(task)
        if locked.reason != rules.CHASE:
            raise StateConflict(_("Only a chase records station replies."))
        if locked.state != "open":
            raise StateConflict(_("This chase is closed."))
        today = timezone.localdate(now)
        if ChaseReply.objects.filter(task=locked, day=today).exists():
            raise StateConflict(_("Today's reply is already recorded."), code="reply_recorded")
        row = ChaseReply(
            task=locked,
            day=today,
            station_head=station_head.strip(),
            reply=reply.strip(),
            recorded_by=user,
            recorded_at=now,
        )
        row._history_user = user
        row.save()
        locked.attempts += 1
        locked.last_attempt_at = now
        locked._history_user = user
        day = rules.chase_day_number(timezone.localdate(locked.created_at), today)
        locked._change_reason = f"station reply day {day}"
        locked.save(update_fields=["attempts", "last_attempt_at"])
        return row


def chases_close_delivered(shipment, *, user, now=None) -> int:
    """A delivery closes the shipment's open chase (and re-delivery) calls."""
    return chases_close_delivered_many([shipment.pk], user=user, now=now)


def chases_close_delivered_many(shipment_ids, *, user, now=None) -> int:
    """``chases_close_delivered`` for the shipments a batch of events delivered: one query
    (their open chase and re-delivery calls, locked in id order), then each call found."""
    now = now or timezone.now()
    closed = 0
    tasks = (
        FollowUpTask.objects.select_for_update()
        .filter(
            shipment_id__in=list(shipment_ids),
            state="open",
            reason__in=[rules.CHASE, rules.REDELIVERY],
        )
        .order_by("pk")
    )
    for task in tasks:
        task.complete()
        task.outcome = Outcome.DELIVERED
        task.completed_at = now
        task.completed_by = user
        task._history_user = user
        task._change_reason = "closed by delivery"
        task.save(update_fields=["state", "outcome", "completed_at", "completed_by"])
        closed += 1
    return closed


def follow_ups_close_left(shipment, *, user) -> int:
    """A shipment lost, recalled (returning), returned or cancelled leaves tracking: its open
    calls and chases (any reason) are cancelled with the reason in their note and history, so
    no agent chases a parcel that will not be delivered and no chase alerts the supervisor.
    Cancelled calls are no longer required (the revisit figure leaves them out)."""
    state = shipment.get_state_display()
    note = _("Closed: the shipment is %(state)s.") % {"state": state}
    tasks = list(
        FollowUpTask.objects.select_for_update().filter(shipment_id=shipment.pk, state="open")
    )
    for task in tasks:
        task.cancel()
        task.note = "\n".join(filter(None, [task.note, note]))
        task._history_user = user
        task._change_reason = f"closed: shipment {shipment.state}"
        task.save(update_fields=["state", "note"])
    return len(tasks)


# --- the sweep (TRK-02), run at 09:00 and 16:00 -------------------------------------------------
@dataclass
class SweepResult:
    tracked: int = 0
    stale: int = 0
    past_estimate: int = 0
    redelivery: int = 0
    arrival: int = 0
    vip: int = 0
    chases_alerted: int = 0
    overdue: int = 0

    @property
    def opened(self) -> int:
        return self.stale + self.past_estimate + self.redelivery + self.arrival + self.vip


CHUNK = 500


def _open_for(rows, reason, *, user, now, assigner) -> int:
    """Open ``reason`` for each tracking row found (locked, skip the ones another sweep holds).
    A sandbox partner's shipments (test keys) never make work for staff."""
    opened = 0
    rows = rows.exclude(partner__is_sandbox=True)
    ids = list(rows.values_list("pk", flat=True)[: CHUNK * 20])
    for i in range(0, len(ids), CHUNK):
        with transaction.atomic():
            locked = list(
                ShipmentTracking.objects.select_for_update(skip_locked=True)
                .filter(pk__in=ids[i : i + CHUNK])
                .select_related("shipment__order", "shipment__partner")
                .order_by("pk")
            )
            for row in locked:
                if follow_up_open(row.shipment, reason, user=user, now=now, assigner=assigner):
                    opened += 1
    return opened


def tracking_rows_ensure(*, now, stale_hours: int) -> int:
    """Shipments that went on their way through another flow than an event get a tracking row
    (last event = when they last changed), so the stale check sees them."""
    since = now - dt.timedelta(hours=stale_hours * 2 + 12)
    rows = [
        ShipmentTracking(
            shipment=s,
            partner_id=s.partner_id,
            last_event_at=s.shipped_at or s.updated_at,
            estimate_at=s.order.required_arrival_at,
        )
        for s in selectors.untracked_recent_shipments(since)
    ]
    ShipmentTracking.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def tracking_sweep(*, user=None, now: dt.datetime | None = None) -> SweepResult:
    """TRK-02 (and TRK-04/05/10): open the follow-ups the in-transit check finds, one open call
    per shipment and reason, so a re-run opens nothing new; alert supervisors of chases past
    their days and of overdue calls."""
    now = now or timezone.now()
    rules_row = policy()
    assigner = Assigner(rules_row.followup_department_id, now)
    result = SweepResult()
    result.tracked = tracking_rows_ensure(now=now, stale_hours=rules_row.stale_hours)
    kw = {"user": user, "now": now, "assigner": assigner}
    before = rules.stale_before(now, rules_row.stale_hours)
    result.stale = _open_for(selectors.stale_tracking(before), rules.CHASE, **kw)
    result.past_estimate = _open_for(selectors.past_estimate_tracking(now), rules.CHASE, **kw)
    result.redelivery = _open_for(selectors.failed_delivery_tracking(), rules.REDELIVERY, **kw)
    result.arrival = _open_for(selectors.arrival_unconfirmed_tracking(), rules.ARRIVAL, **kw)
    day_start, _end = selectors.day_bounds(timezone.localdate(now))
    result.vip = _open_for(selectors.vip_tracking_not_followed_today(day_start), rules.VIP, **kw)
    result.chases_alerted = chases_alert(now=now, user=user)
    result.overdue = follow_ups_overdue_report(now=now, user=user)
    return result


def chases_alert(*, now, user=None) -> int:
    """TRK-05: a chase whose days passed without delivery alerts the supervisors, once."""
    with transaction.atomic():
        tasks = list(
            selectors.chases_expired(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("shipment")
        )
        for task in tasks:
            notification_send(
                users_in_role("supervisor"),
                _("Chase of %(waybill)s: not delivered after %(days)s days")
                % {"waybill": task.shipment.waybill_number, "days": policy().chase_days},
                task.note,
                link=_admin_link(task),
                dedupe_key=f"trk-chase-alert:{task.pk}",
            )
            task.alerted_at = now
            task._history_user = user
            task._change_reason = "chase days passed"
        bulk_update_with_history(tasks, FollowUpTask, ["alerted_at"], default_user=user)
    return len(tasks)


def follow_ups_overdue_report(*, now, user=None) -> int:
    """TRK-04: calls past their due time go to the supervisors (one notice per sweep)."""
    with transaction.atomic():
        tasks = list(
            selectors.follow_ups_overdue(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("shipment")[:1000]
        )
        if not tasks:
            return 0
        lines = [
            f"{t.shipment.waybill_number} {t.get_reason_display()} "
            f"{timezone.localtime(t.due_at):%Y-%m-%d %H:%M}"
            for t in tasks
        ]
        notification_send(
            users_in_role("supervisor"),
            _("%(n)s follow-up calls are overdue") % {"n": len(tasks)},
            "\n".join(lines),
            link="/admin/tracking/followuptask/?state__exact=open",
            dedupe_key=f"trk-overdue:{now.isoformat()}",
        )
        for task in tasks:
            task.overdue_notified_at = now
        bulk_update_with_history(
            tasks,
            FollowUpTask,
            ["overdue_notified_at"],
            default_user=user,
            default_change_reason="overdue reported",
        )
    return len(tasks)


def follow_up_day_report_send(day: dt.date, *, user=None) -> dict:
    """TRK-04: the day's results (revisit rate per agent and in total) to the information clerk
    (the supervisors when none is named)."""
    figures = selectors.revisit_figures(day)
    clerk = policy().information_clerk
    recipients = [clerk] if clerk else list(users_in_role("supervisor"))

    def pct(rate):
        return "—" if rate is None else f"{rate:.0%}"

    lines = [
        f"{a['agent'] or _('unassigned')}: {a['done']}/{a['required']} {pct(a['rate'])}"
        for a in figures["agents"]
    ]
    lines.append(
        _("Total: %(done)s/%(required)s %(rate)s")
        % {"done": figures["done"], "required": figures["required"], "rate": pct(figures["rate"])}
    )
    notification_send(
        recipients,
        _("Follow-up calls of %(day)s: revisit rate %(rate)s")
        % {"day": day.isoformat(), "rate": pct(figures["rate"])},
        "\n".join(lines),
        link="/admin/tracking/followuptask/",
        dedupe_key=f"trk-day-report:{day.isoformat()}",
    )
    return figures
