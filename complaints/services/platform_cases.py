"""CMP-14: the supervisor's daily review of the shop's orders in refund and in dispute.

The queue is filled by importing the platform's export (CSV or Excel; a duplicate of an open
case, in the file or already in the queue, is refused on its row; every bad row is reported
with its line number, the good rows are taken) or by hand. Each case carries the platform's
deadline. The supervisor reminds the after-sales owner (a notice with the deadline); after-sales
records the handling; the supervisor closes the case with its outcome, which is what the
handbook judges (SCR-08):

- S1 (supervisor, −3): a dispute succeeded and after-sales had not been reminded before the
  platform's deadline;
- A8 (after-sales, −3): a dispute succeeded although after-sales was reminded in time;
- A9 (after-sales, −3): a refund went through automatically and the goods did not come back;
  cancelled later when the goods are recovered or the customer pays the full price (A9's cancel
  conditions, ``staffing.services.scoring_cancel``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import PlatformCase
from courier.core.errors import PermissionRefused, StateConflict

from .common import ComplaintError

P_REVIEW = "complaints.add_platformcase"  # the supervisor line
P_HANDLE = "complaints.change_platformcase"  # after-sales and the supervisor line

IMPORT_REQUIRED = ("kind", "platform_order_ref", "platform_deadline")
IMPORT_OPTIONAL = ("buyer_ref", "amount", "owner", "note", "waybill_number")
KIND_WORDS = {
    "refund": PlatformCase.Kind.REFUND,
    "退款中": PlatformCase.Kind.REFUND,
    "退款": PlatformCase.Kind.REFUND,
    "dispute": PlatformCase.Kind.DISPUTE,
    "维权中": PlatformCase.Kind.DISPUTE,
    "維權中": PlatformCase.Kind.DISPUTE,
    "维权": PlatformCase.Kind.DISPUTE,
}


def _require(user, perm: str) -> None:
    if user is not None and not user.has_perm(perm):
        raise PermissionRefused(_("You do not have permission for this step."))


def _employee(user):
    from staffing.selectors import employee_for_user

    return employee_for_user(user) if user is not None else None


def _lock(case: PlatformCase) -> PlatformCase:
    locked = PlatformCase.objects.select_for_update().get(pk=case.pk)
    if locked.state != PlatformCase.State.OPEN:
        raise StateConflict(_("This case is already closed."))
    return locked


def _save(case: PlatformCase, fields, *, user, reason: str) -> PlatformCase:
    case._history_user = user
    case._change_reason = reason[:100]
    case.save(update_fields=fields)
    return case


def _duplicate_message(kind: str, ref: str) -> str:
    return _("Order %(ref)s is already in the queue as “%(kind)s”.") % {
        "ref": ref,
        "kind": PlatformCase.Kind(kind).label,
    }


def platform_case_add(
    *,
    user,
    kind: str,
    platform_order_ref: str,
    platform_deadline: dt.datetime,
    buyer_ref: str = "",
    amount: Decimal | None = None,
    owner=None,
    note: str = "",
    shipment=None,
    source: str = PlatformCase.Source.MANUAL,
) -> PlatformCase:
    """Put one order in refund or in dispute on the queue (by hand, or one imported row)."""
    _require(user, P_REVIEW)
    ref = (platform_order_ref or "").strip()
    errors = {}
    if kind not in PlatformCase.Kind.values:
        errors["kind"] = _("Choose in refund or in dispute.")
    if not ref:
        errors["platform_order_ref"] = _("Enter the platform order number.")
    if platform_deadline is None:
        errors["platform_deadline"] = _("Enter the platform's deadline.")
    if amount is not None and amount < 0:
        errors["amount"] = _("Must not be negative.")
    if errors:
        raise ComplaintError(errors)
    if timezone.is_naive(platform_deadline):
        platform_deadline = timezone.make_aware(platform_deadline)
    with transaction.atomic():
        if PlatformCase.objects.filter(kind=kind, platform_order_ref=ref, state="open").exists():
            raise ComplaintError(
                {"platform_order_ref": _duplicate_message(kind, ref)}, code="duplicate"
            )
        case = PlatformCase(
            kind=kind,
            platform_order_ref=ref,
            platform_deadline=platform_deadline,
            buyer_ref=(buyer_ref or "").strip(),
            amount=amount,
            owner=owner,
            shipment=shipment,
            supervisor=_employee(user),
            note=(note or "").strip(),
            source=source,
            created_by=user,
        )
        case._history_user = user
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:  # a concurrent add of the same order
            raise ComplaintError(
                {"platform_order_ref": _duplicate_message(kind, ref)}, code="duplicate"
            ) from None
    return case


@dataclass
class ImportResult:
    created: list[PlatformCase] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _parse_deadline(value: str) -> dt.datetime:
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            parsed = parsed.replace(hour=23, minute=59)
        return timezone.make_aware(parsed, timezone.get_default_timezone())
    raise ValueError(value)


def _owner_by_username(username: str):
    from staffing.selectors import employees_active

    username = (username or "").strip()
    if not username:
        return None
    employee = employees_active().filter(user__username=username).first()
    if employee is None:
        raise ValueError(username)
    return employee


def platform_cases_import(*, user, upload) -> ImportResult:
    """Import the platform's export (CSV or .xlsx; columns ``kind`` (refund/dispute, or 退款中/
    维权中), ``platform_order_ref``, ``platform_deadline`` (YYYY-MM-DD HH:MM), optional
    ``buyer_ref``, ``amount``, ``owner`` (an after-sales username), ``note``). Good rows are
    added; each bad or duplicate row is reported with its line and nothing of it is saved."""
    from courier.finance.services.statements import table_rows

    _require(user, P_REVIEW)
    result = ImportResult()
    seen: set[tuple[str, str]] = set()
    for line, row in table_rows(upload, IMPORT_REQUIRED, IMPORT_OPTIONAL):
        problems = []
        kind = KIND_WORDS.get((row.get("kind") or "").strip().lower())
        if kind is None:
            problems.append(_("the kind must be refund or dispute"))
        ref = (row.get("platform_order_ref") or "").strip()
        if not ref:
            problems.append(_("the platform order number is missing"))
        try:
            deadline = _parse_deadline(row.get("platform_deadline", ""))
        except ValueError:
            deadline = None
            problems.append(_("the deadline must be YYYY-MM-DD HH:MM"))
        amount = None
        if (row.get("amount") or "").strip():
            try:
                amount = Decimal(row["amount"].strip())
            except InvalidOperation:
                problems.append(_("the amount is not a number"))
        try:
            owner = _owner_by_username(row.get("owner", ""))
        except ValueError as exc:
            owner = None
            problems.append(_("no active employee has the login %(u)s") % {"u": exc.args[0]})
        shipment = None
        waybill = (row.get("waybill_number") or "").strip()
        if waybill:
            from courier.shipments.selectors import shipments_all

            shipment = shipments_all().filter(waybill_number=waybill).first()
            if shipment is None:
                problems.append(_("no shipment has the waybill number %(n)s") % {"n": waybill})
        if not problems and (kind, ref) in seen:
            problems.append(_("the order appears twice in the file"))
        if problems:
            result.errors.append((line, "; ".join(str(p) for p in problems)))
            continue
        seen.add((kind, ref))
        try:
            case = platform_case_add(
                user=user,
                kind=kind,
                platform_order_ref=ref,
                platform_deadline=deadline,
                buyer_ref=row.get("buyer_ref", ""),
                amount=amount,
                owner=owner,
                note=row.get("note", ""),
                shipment=shipment,
                source=PlatformCase.Source.IMPORT,
            )
        except ComplaintError as exc:
            result.errors.append((line, " ".join(exc.messages)))
            continue
        result.created.append(case)
    return result


def platform_case_remind(case: PlatformCase, *, user, owner=None) -> PlatformCase:
    """CMP-14 / S1: the supervisor reminds the after-sales owner (a notice with the deadline)."""
    from courier.core.services.notifications import notification_send

    _require(user, P_REVIEW)
    with transaction.atomic():
        locked = _lock(case)
        owner = owner or locked.owner
        if owner is None:
            raise ComplaintError({"owner": _("Choose the after-sales agent to remind.")})
        locked.owner = owner
        locked.reminded_at = timezone.now()
        if locked.supervisor_id is None:
            locked.supervisor = _employee(user)
        deadline = timezone.localtime(locked.platform_deadline).strftime("%Y-%m-%d %H:%M")
        notification_send(
            [owner.user],
            _("%(kind)s: order %(ref)s, handle before %(deadline)s")
            % {
                "kind": locked.get_kind_display(),
                "ref": locked.platform_order_ref,
                "deadline": deadline,
            },
            locked.note or _("Reminded by the supervisor's daily review."),
            link=f"/admin/complaints/platformcase/{locked.pk}/change/",
            dedupe_key=f"platformcase:{locked.pk}:remind:{locked.reminded_at:%Y%m%d%H%M%S}",
        )
        return _save(
            locked, ["owner", "reminded_at", "supervisor"], user=user, reason="after-sales reminded"
        )


def platform_case_handle(case: PlatformCase, *, user, handling: str) -> PlatformCase:
    """A8 / A9: after-sales records how the order was handled."""
    _require(user, P_HANDLE)
    if not (handling or "").strip():
        raise ComplaintError({"handling": _("Write how the order was handled.")})
    with transaction.atomic():
        locked = _lock(case)
        locked.handling = handling.strip()
        locked.handled_at = timezone.now()
        if locked.owner_id is None:
            locked.owner = _employee(user)
        return _save(locked, ["handling", "handled_at", "owner"], user=user, reason="handled")


def reminded_in_time(case: PlatformCase) -> bool:
    """S1: after-sales was reminded before the platform's deadline."""
    return case.reminded_at is not None and case.reminded_at <= case.platform_deadline


def judged_rule(case: PlatformCase, outcome: str) -> str | None:
    """Which rule an outcome costs, and whom: ``S1`` (the supervisor), ``A8``/``A9`` (the
    after-sales owner), ``None`` when handled in time."""
    if outcome == PlatformCase.Outcome.DISPUTE_LOST:
        return "A8" if reminded_in_time(case) else "S1"
    if outcome == PlatformCase.Outcome.REFUND_AUTO:
        return "A9"
    return None


def _score(case: PlatformCase, rule_code: str, *, user) -> str:
    """Record the deduction the outcome costs; the case closes either way (its outcome is a
    fact). One that cannot be recorded (nobody named, a settled month…) is said in the case's
    note and sent to the managers, who record it by hand: never silently dropped."""
    from staffing.services.scoring import ScoringError, score_event_record

    employee = case.supervisor if rule_code == "S1" else case.owner
    if employee is None:
        return _unrecorded(case, _("%(rule)s not recorded: nobody is named.") % {"rule": rule_code})
    try:
        with transaction.atomic():
            score_event_record(
                employee=employee,
                rule_code=rule_code,
                source=case,
                occurred_at=timezone.now(),
                user=user,
                reason=f"{case.get_kind_display()} {case.platform_order_ref}: "
                f"{case.get_outcome_display()}"[:500],
            )
    except ScoringError as exc:
        note = _("%(rule)s not recorded: %(error)s") % {
            "rule": rule_code,
            "error": " ".join(exc.messages),
        }
        return _unrecorded(case, note)
    return _("%(rule)s recorded against %(name)s.") % {"rule": rule_code, "name": employee.name}


def _unrecorded(case: PlatformCase, note: str) -> str:
    from courier.core.services.notifications import notification_send, users_in_role

    notification_send(
        list(users_in_role("manager")),
        _("Order %(ref)s: a deduction to record by hand") % {"ref": case.platform_order_ref},
        note,
        dedupe_key=f"platform-case-unrecorded:{case.pk}",
    )
    return note


def platform_case_close(case: PlatformCase, *, user, outcome: str) -> PlatformCase:
    """The supervisor closes the case with its outcome; S1, A8 or A9 is recorded by it."""
    _require(user, P_REVIEW)
    if outcome not in PlatformCase.Outcome.values:
        raise ComplaintError({"outcome": _("Choose the outcome.")})
    with transaction.atomic():
        locked = _lock(case)
        if outcome == PlatformCase.Outcome.DISPUTE_LOST and locked.kind != "dispute":
            raise ComplaintError({"outcome": _("Only a dispute can succeed against the shop.")})
        if outcome == PlatformCase.Outcome.REFUND_AUTO and locked.kind != "refund":
            raise ComplaintError({"outcome": _("Only a refund goes through automatically.")})
        locked.close()
        locked.outcome = outcome
        locked.closed_at = timezone.now()
        rule_code = judged_rule(locked, outcome)
        locked.score_note = _score(locked, rule_code, user=user) if rule_code else ""
        return _save(
            locked, ["state", "outcome", "closed_at", "score_note"], user=user, reason="closed"
        )


def platform_case_recover(
    case: PlatformCase, *, user, condition: str, note: str = ""
) -> PlatformCase:
    """A9 cancelled: the goods were recovered, or the customer paid the goods' full price.
    The supervisor line records it, never the after-sales owner A9 was recorded against."""
    from staffing.services.scoring import ScoringError
    from staffing.services.scoring_cancel import score_event_reverse_by_condition

    _require(user, P_REVIEW)
    with transaction.atomic():
        locked = PlatformCase.objects.select_for_update().get(pk=case.pk)
        if locked.owner_id is not None and locked.owner_id == getattr(_employee(user), "pk", None):
            raise PermissionRefused(_("The person A9 was recorded against cannot cancel it."))
        if locked.outcome != PlatformCase.Outcome.REFUND_AUTO:
            raise StateConflict(_("Only an automatic refund without the goods can be recovered."))
        if locked.recovered_at is not None:
            raise StateConflict(_("This refund was already recovered."))
        try:
            reversal = score_event_reverse_by_condition(
                rule_code="A9", source=locked, condition_code=condition, user=user, note=note
            )
        except ScoringError as exc:
            raise ComplaintError({"condition": exc.messages}) from None
        locked.recovered_condition = condition
        locked.recovered_at = timezone.now()
        if reversal is not None:
            locked.score_note = f"{locked.score_note} {_('A9 cancelled.')}".strip()
        return _save(
            locked,
            ["recovered_condition", "recovered_at", "score_note"],
            user=user,
            reason=f"recovered: {condition}",
        )


def platform_case_steps_available(case: PlatformCase, user) -> set[str]:
    if case.state == PlatformCase.State.OPEN:
        names = {"handle"}
        if user.has_perm(P_REVIEW):
            names |= {"remind", "close"}
        return names
    if (
        case.outcome == PlatformCase.Outcome.REFUND_AUTO
        and case.recovered_at is None
        and user.has_perm(P_REVIEW)
    ):
        return {"recover"}
    return set()


def review_queue(now: dt.datetime | None = None):
    """CMP-14: the open cases by platform deadline, the overdue first."""
    return (
        PlatformCase.objects.filter(state=PlatformCase.State.OPEN)
        .select_related("owner", "supervisor")
        .order_by("platform_deadline", "pk")
    )


__all__ = [
    "ImportResult",
    "judged_rule",
    "platform_case_add",
    "platform_case_close",
    "platform_case_handle",
    "platform_case_recover",
    "platform_case_remind",
    "platform_case_steps_available",
    "platform_cases_import",
    "reminded_in_time",
    "review_queue",
]
