"""ORG-03, ORG-05: assign chat and shop-system accounts to people; find who held one when."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from staffing.models import AccountHolding, Employee, SystemAccount
from staffing.rules.accounts import holding_rules_check
from staffing.rules.common import refusals

from .errors import RulesRefused, StaffingError


def account_holding_check(
    *,
    account: SystemAccount,
    employee: Employee,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None,
    shared_approved_by: Employee | None,
    shared_reason: str,
    exclude=None,
) -> bool:
    """Raise when the holding may not be recorded; return whether it is a shared use."""
    if ends_at is not None and ends_at <= starts_at:
        raise StaffingError(_("The end of the holding must be after its start."))
    others = AccountHolding.objects.filter(account=account).exclude(employee=employee)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    others = others.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=starts_at))
    if ends_at is not None:
        others = others.filter(starts_at__lt=ends_at)
    shared = others.exists()
    approver_ok = None
    if shared_approved_by is not None:
        approver_ok = shared_approved_by.pk == employee.supervisor_id
    results = holding_rules_check(
        overlaps_other_holder=shared, approver_is_supervisor=approver_ok, reason=shared_reason
    )
    if refusals(results):
        raise RulesRefused(results)
    return shared


def account_holding_assign(
    *,
    account: SystemAccount,
    employee: Employee,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    user=None,
    shared_approved_by: Employee | None = None,
    shared_reason: str = "",
) -> AccountHolding:
    """Record that ``employee`` holds ``account`` from ``starts_at`` (until ``ends_at``). A time
    when another person holds it is refused unless the employee's direct supervisor approved the
    shared use, with the reason recorded (ORG-03's exception)."""
    with transaction.atomic():
        SystemAccount.objects.select_for_update().get(pk=account.pk)
        others = account_holding_check(
            account=account,
            employee=employee,
            starts_at=starts_at,
            ends_at=ends_at,
            shared_approved_by=shared_approved_by,
            shared_reason=shared_reason,
        )
        holding = AccountHolding(
            account=account,
            employee=employee,
            starts_at=starts_at,
            ends_at=ends_at,
            shared_approved_by=shared_approved_by if others else None,
            shared_reason=shared_reason if others else "",
            recorded_by=user,
        )
        holding._history_user = user
        holding.save()
    return holding


def account_holding_change(
    holding: AccountHolding,
    *,
    account: SystemAccount,
    employee: Employee,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    user=None,
    shared_approved_by: Employee | None = None,
    shared_reason: str = "",
) -> AccountHolding:
    """Correct a recorded holding (its end, its person, its account…) under the same rules as
    recording one: the accounts involved are locked and the overlap checked again without the
    holding itself, so two corrections at once cannot both pass the check."""
    with transaction.atomic():
        list(
            SystemAccount.objects.select_for_update()
            .filter(pk__in={account.pk, holding.account_id})
            .order_by("pk")
        )
        holding = AccountHolding.objects.select_for_update().get(pk=holding.pk)
        shared = account_holding_check(
            account=account,
            employee=employee,
            starts_at=starts_at,
            ends_at=ends_at,
            shared_approved_by=shared_approved_by,
            shared_reason=shared_reason,
            exclude=holding.pk,
        )
        holding.account = account
        holding.employee = employee
        holding.starts_at = starts_at
        holding.ends_at = ends_at
        holding.shared_approved_by = shared_approved_by if shared else None
        holding.shared_reason = shared_reason if shared else ""
        holding._history_user = user
        holding.save()
    return holding


def account_holders_at(system: str, handle: str, at: dt.datetime) -> list[Employee]:
    """ORG-05 "根据原始旺旺聊天记录找到对应旺旺号的负责人": the person (or, for an approved shared
    use, the people) holding the account named in a chat log at the moment of the message."""
    holdings = (
        AccountHolding.objects.filter(
            account__system=system, account__handle=handle, starts_at__lte=at
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .select_related("employee")
        .order_by("starts_at", "pk")
    )
    return [h.employee for h in holdings]
