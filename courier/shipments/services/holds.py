"""Retention holds (DLV-06): an order is never anonymised while anything still open needs its
records (an open claim, complaint or dispute).

The shipments domain does not import the domains that hold records about its shipments
(complaints, finance: the import-linter contracts). Each of them registers a *hold provider*
here at start-up (``AppConfig.ready``), an explicit call, not a signal:

    hold_provider_register("complaints", complaints.selectors.retention_holds)

A provider takes a list of order ids and returns ``{order_id: reason}`` for those it holds;
``reason`` is a short untranslated code shown by the dry run ("open complaint"). The shipments
domain registers its own (open insurance claims and compensation proposals, unsettled parcel
follow-ups).
"""

from collections.abc import Callable, Iterable

HoldProvider = Callable[[list[int]], dict[int, str]]

_PROVIDERS: dict[str, HoldProvider] = {}


def hold_provider_register(name: str, provider: HoldProvider) -> None:
    """Register (or replace, by name: a re-run of ``ready`` is harmless) a hold provider."""
    _PROVIDERS[name] = provider


def hold_provider_unregister(name: str) -> None:
    _PROVIDERS.pop(name, None)


def hold_providers() -> dict[str, HoldProvider]:
    return dict(_PROVIDERS)


def retention_holds(order_ids: Iterable[int]) -> dict[int, list[str]]:
    """``{order_id: [reason, …]}`` for every held order among ``order_ids``."""
    ids = list(order_ids)
    held: dict[int, list[str]] = {}
    if not ids:
        return held
    for name in sorted(_PROVIDERS):
        for order_id, reason in _PROVIDERS[name](ids).items():
            held.setdefault(order_id, []).append(reason)
    return held


def shipments_retention_holds(order_ids: list[int]) -> dict[int, str]:
    """The shipments domain's own holds: an insurance claim or a compensation proposal not
    yet paid or rejected, a parcel follow-up (RET-08) not settled."""
    from courier.shipments.models import (
        ClaimStatus,
        CompensationProposal,
        InsuranceClaim,
        ParcelFollowUp,
    )

    settled = [ClaimStatus.PAID, ClaimStatus.REJECTED]
    held: dict[int, str] = {}
    queries = (
        (
            "open insurance claim",
            InsuranceClaim.objects.filter(shipment__order_id__in=order_ids).exclude(
                status__in=settled
            ),
        ),
        (
            "open compensation",
            CompensationProposal.objects.filter(shipment__order_id__in=order_ids).exclude(
                status__in=settled
            ),
        ),
        (
            "open parcel follow-up",
            ParcelFollowUp.objects.filter(shipment__order_id__in=order_ids, state="open"),
        ),
    )
    for reason, qs in queries:
        for order_id in qs.values_list("shipment__order_id", flat=True).distinct():
            held.setdefault(order_id, reason)
    return held


hold_provider_register("shipments", shipments_retention_holds)
