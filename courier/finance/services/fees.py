"""FIN-01: quotes from the versioned fee schedules, each shipment's fee snapshot, and the
adjustment line of a re-weigh at the station.

A quote reads ONE row set from the database: the schedule versions in force for the partner and
the default, each with the stamp of the rows its prices come from (``version_in_force``); the
version's regions, lanes, insurance rates and fee items are compiled once per process and per
stamp (``compiled_version``), so a committed schedule change is priced from the next request on.
"""

import datetime
import functools
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courier.core.services.notifications import notification_send
from courier.core.services.outbox import queue_after_commit, task_delay_safely
from courier.finance import money, rules
from courier.finance.errors import FinanceConflict, FinanceInvalid
from courier.finance.models import (
    FeeItem,
    FeeLane,
    FeeRegion,
    FeeScheduleVersion,
    FinanceSettings,
    InsuranceRate,
    ShipmentFeeLine,
)

logger = logging.getLogger("courier.finance")

# The compiled prices of a version, per process, keyed by what they were compiled from (the
# version's revision and its "stamp", below): a committed change of any of those rows changes the
# key, so the very next quote compiles again; nothing is served stale, whatever the age.
CACHE_MAX = 256
_cache: dict[tuple, "Compiled"] = {}


@dataclass(frozen=True)
class Compiled:
    version_id: int
    schedule_code: str
    whole_yuan: bool
    steps: rules.StepRule
    region_of: dict[str, str]  # province → region code
    lanes: dict[tuple[str, str, str, str], dict]  # (mode, origin, dest, province) → lane data
    insurance: dict[str, dict]  # mode ("" = any) → rate data
    items: dict[str, dict]  # code → item data
    bounds: rules.Bounds
    credit_warn_share: Decimal  # FIN-02's default, read with the bounds (same stamp)


def _compile(version: FeeScheduleVersion) -> Compiled:
    settings_row = FinanceSettings.current()
    region_of = {}
    for region in FeeRegion.objects.all():
        for province in region.province_list():
            region_of[rules.province_key(province)] = region.code
    lanes = {}
    for lane in version.lanes.select_related("origin", "destination"):
        province = rules.province_key(lane.province)
        lanes[(lane.mode, lane.origin.code, lane.destination.code, province)] = {
            "lane_id": lane.pk,
            "divisor": lane.divisor,
            "first_weight_kg": lane.first_weight_kg,
            "first_price": lane.first_price,
            "step_price": lane.step_price,
            "heavy_step_price": lane.heavy_step_price,
        }
    insurance = {
        r.mode: {"rate_permille": r.rate_permille, "minimum": r.minimum, "cap": r.cap}
        for r in version.insurance_rates.all()
    }
    items = {
        i.code: {
            "code": i.code,
            "name": i.name,
            "category": i.category,
            "method": i.method,
            "value": i.value,
            "automatic": i.automatic,
        }
        for i in version.items.all()
    }
    return Compiled(
        version_id=version.pk,
        schedule_code=version.schedule.code,
        whole_yuan=version.schedule.whole_yuan,
        steps=version.steps(),
        region_of=region_of,
        lanes=lanes,
        insurance=insurance,
        items=items,
        bounds=settings_row.bounds(),
        credit_warn_share=settings_row.credit_warn_share,
    )


# What a version's compiled prices are read from, besides the version and schedule rows (read
# live by ``version_in_force``): its lanes, insurance rates and fee items, the regions and the
# finance settings (bounds). Each is stamped by its history rows (every change through the admin
# or ``save()`` writes one, in the same transaction): how many, and the newest id. The count
# catches a change committed after a newer one was seen (ids are taken before commit); the id
# catches a change after history was pruned.
_STAMPED_PER_VERSION = (("lanes", FeeLane), ("insurance", InsuranceRate), ("items", FeeItem))
_STAMPED_GLOBAL = (("regions", FeeRegion), ("settings", FinanceSettings))


@functools.cache
def _stamp_select() -> dict[str, str]:
    """The stamp's columns as SQL, written once per process: added with ``extra()`` they cost no
    expression resolution per query (ten ``Subquery`` annotations cost more than the quote)."""
    qn = connection.ops.quote_name
    version_id = f"{qn(FeeScheduleVersion._meta.db_table)}.{qn('id')}"
    out = {}
    for name, model in _STAMPED_PER_VERSION + _STAMPED_GLOBAL:
        history = qn(model.history.model._meta.db_table)
        where = (
            f" WHERE h.{qn('version_id')} = {version_id}"
            if (name, model) in _STAMPED_PER_VERSION
            else ""
        )
        out[f"_stamp_{name}_n"] = f"SELECT COUNT(*) FROM {history} h{where}"
        out[f"_stamp_{name}_max"] = f"SELECT MAX(h.{qn('history_id')}) FROM {history} h{where}"
    return out


def _stamp(version: FeeScheduleVersion) -> tuple:
    return tuple(getattr(version, k, None) for k in sorted(_stamp_select()))


def compiled_version(version: FeeScheduleVersion) -> Compiled:
    """The version's prices, compiled once per process for each state of the rows they are read
    from (``version_in_force`` reads the version's stamp with it, so a hit costs no query)."""
    if not hasattr(version, "_stamp_lanes_n"):  # not read by version_in_force: stamp it now
        version = version_in_force_query().get(pk=version.pk)
    key = (
        version.pk,
        version.revision,
        version.effective_from,
        version.light_step_kg,
        version.heavy_from_kg,
        version.heavy_step_kg,
        version.schedule.code,
        version.schedule.whole_yuan,
        _stamp(version),
    )
    compiled = _cache.get(key)
    if compiled is None:
        compiled = _compile(version)
        if len(_cache) >= CACHE_MAX:
            _cache.clear()
        _cache[key] = compiled
    return compiled


def cache_clear() -> None:
    _cache.clear()


def version_in_force_query():
    return FeeScheduleVersion.objects.select_related("schedule").extra(select=_stamp_select())


def version_in_force(partner, day: datetime.date) -> FeeScheduleVersion:
    """The partner's own schedule version covering ``day``, else the default one, with the
    stamp of what its prices are compiled from (one query)."""
    candidates = list(
        version_in_force_query()
        .filter(Q(schedule__partner=partner) | Q(schedule__partner__isnull=True))
        .filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day))
    )
    own = [v for v in candidates if v.schedule.partner_id is not None]
    chosen = own or candidates
    if not chosen:
        raise FinanceInvalid(
            {"date": _("No fee schedule is in force on %(day)s.") % {"day": day.isoformat()}},
            code="no_schedule",
        )
    return chosen[0]


# --- quotes ----------------------------------------------------------------------------------


@dataclass
class QuoteLine:
    kind: str
    code: str
    description: str
    amount: Decimal
    rule: dict
    chargeable_kg: Decimal | None = None


@dataclass
class Quote:
    version_id: int
    schedule_code: str
    chargeable_kg: Decimal
    lines: list[QuoteLine] = field(default_factory=list)
    credit_warn_share: Decimal | None = None  # the finance settings' (FIN-02), for the intake

    @property
    def total(self) -> Decimal:
        return money.total(line.amount for line in self.lines)


def _dims(data: dict) -> dict:
    return {k: data.get(k) for k in ("length_cm", "width_cm", "height_cm")}


def _lane(compiled: Compiled, mode: str, origin_province: str, destination_province: str):
    errors = {}
    origin_key = rules.province_key(origin_province)
    destination_key = rules.province_key(destination_province)
    origin = compiled.region_of.get(origin_key)
    destination = compiled.region_of.get(destination_key)
    if origin is None:
        errors["origin_province"] = _("Unknown zone: %(p)s is in no fee region.") % {
            "p": origin_province
        }
    if destination is None:
        errors["destination_province"] = _("Unknown zone: %(p)s is in no fee region.") % {
            "p": destination_province
        }
    if errors:
        raise FinanceInvalid(errors, code="unknown_zone")
    lane = None
    if origin_key == destination_key:
        lane = compiled.lanes.get((mode, origin, destination, origin_key))
    lane = lane or compiled.lanes.get((mode, origin, destination, ""))
    if lane is None:
        raise FinanceInvalid(
            {
                "mode": _("No %(mode)s price from %(o)s to %(d)s.")
                % {"mode": mode, "o": origin, "d": destination}
            },
            code="no_lane",
        )
    return origin, destination, lane


def quote_compute(compiled: Compiled, data: dict) -> Quote:
    """The fee lines of a parcel under ``compiled`` prices (no database). ``data``: mode,
    origin_province, destination_province, weight_kg, and either length/width/height (cm) or
    volume_cm3; optional declared_value and extras ``[{"code", "amount"?}]``."""
    dims = _dims(data)
    problems = rules.parcel_problems(data["weight_kg"], dims, compiled.bounds)
    volume = data.get("volume_cm3")
    if volume is not None and money.to_decimal(volume) < 0:
        problems["volume_cm3"] = "not_positive"
    if problems:
        raise FinanceInvalid(
            {
                name: _("Enter a positive value.")
                if code == "not_positive"
                else _("This value is larger than any parcel we accept.")
                for name, code in problems.items()
            },
            code="bad_parcel",
        )
    if all(dims.values()):
        volume = rules.volume_cm3(dims["length_cm"], dims["width_cm"], dims["height_cm"])
    elif any(dims.values()):
        missing = [k for k, v in dims.items() if not v]
        raise FinanceInvalid(
            {k: _("Give all three dimensions, or none.") for k in missing}, code="bad_parcel"
        )
    volume = money.to_decimal(volume or 0)
    mode = data["mode"]
    origin, destination, lane = _lane(
        compiled, mode, data["origin_province"], data["destination_province"]
    )
    whole = compiled.whole_yuan
    actual = money.to_decimal(data["weight_kg"])
    chargeable = rules.chargeable_weight(actual, volume, lane["divisor"])
    rate = rules.LaneRate(
        lane["first_weight_kg"], lane["first_price"], lane["step_price"], lane["heavy_step_price"]
    )
    fr = rules.freight(chargeable, rate, compiled.steps, whole_yuan=whole)
    quote = Quote(compiled.version_id, compiled.schedule_code, chargeable)
    quote.credit_warn_share = compiled.credit_warn_share
    freight_rule = {
        "rule": "FIN-01 freight",
        "lane_id": lane["lane_id"],
        "lane": f"{mode} {origin}→{destination}",
        "actual_kg": str(actual),
        "volume_cm3": str(volume),
        "divisor": lane["divisor"],
        "chargeable_kg": str(chargeable),
        "first_weight_kg": str(rate.first_weight_kg),
        "first_price": str(rate.first_price),
        "step_kg": str(compiled.steps.light_step_kg),
        "step_price": str(rate.step_price),
        "heavy_from_kg": str(compiled.steps.heavy_from_kg),
        "heavy_step_kg": str(compiled.steps.heavy_step_kg),
        "heavy_step_price": str(rate.heavy_step_price),
        "formula": fr.formula,
        "whole_yuan": whole,
    }
    quote.lines.append(
        QuoteLine("freight", "freight", _("Freight"), fr.amount, freight_rule, chargeable)
    )
    declared = data.get("declared_value")
    if declared is not None and money.to_decimal(declared) > 0:
        ins = compiled.insurance.get(mode) or compiled.insurance.get("")
        if ins is None:
            raise FinanceInvalid(
                {
                    "declared_value": _("This schedule does not insure %(mode)s parcels.")
                    % {"mode": mode}
                },
                code="no_insurance",
            )
        amount = rules.insurance(
            declared, ins["rate_permille"], ins["minimum"], ins["cap"], whole_yuan=whole
        )
        quote.lines.append(
            QuoteLine(
                "insurance",
                "insurance",
                _("Insurance"),
                amount,
                {
                    "rule": "FIN-01 insurance",
                    "declared_value": str(declared),
                    "rate_permille": str(ins["rate_permille"]),
                    "minimum": str(ins["minimum"]),
                    "cap": None if ins["cap"] is None else str(ins["cap"]),
                },
            )
        )
    asked = {}
    for i, extra in enumerate(data.get("extras") or []):
        code = extra["code"]
        if code not in compiled.items:
            raise FinanceInvalid(
                {"extras": _("Line %(n)d: unknown fee %(code)s.") % {"n": i + 1, "code": code}},
                code="unknown_fee",
            )
        if code in asked:
            raise FinanceInvalid(
                {"extras": _("Line %(n)d: fee %(code)s given twice.") % {"n": i + 1, "code": code}},
                code="duplicate_fee",
            )
        asked[code] = extra.get("amount")
    for code, item in sorted(compiled.items.items(), key=lambda kv: (kv[1]["category"], kv[0])):
        if not (item["automatic"] or code in asked):
            continue
        if item["method"] == "incurred" and asked.get(code) is None:
            raise FinanceInvalid(
                {
                    "extras": _("Fee %(code)s is charged as incurred: give its amount.")
                    % {"code": code}
                },
                code="amount_needed",
            )
        amount = rules.charge_item(
            item["method"],
            value=item["value"],
            base=fr.amount,
            incurred=asked.get(code),
            whole_yuan=whole,
        )
        quote.lines.append(
            QuoteLine(
                item["category"],
                code,
                item["name"],
                amount,
                {
                    "rule": f"FIN-01 {item['category']}",
                    "method": item["method"],
                    "value": str(item["value"]),
                    "base": str(fr.amount) if item["method"] == "percent" else None,
                },
            )
        )
    return quote


def fee_quote(partner, data: dict, *, on: datetime.date | None = None) -> Quote:
    """FIN-01: the fee lines the partner would pay for this parcel today (or ``on``)."""
    day = on or timezone.localdate()
    version = version_in_force(partner, day)
    return quote_compute(compiled_version(version), data)


# --- the shipment's snapshot -----------------------------------------------------------------


def order_quote_data(order, **extra) -> dict:
    """The quote input of an order (waybill facts; volume from the order's m³)."""
    return {
        "mode": order.transport_mode,
        "origin_province": order.sender_province,
        "destination_province": order.recipient_province,
        "weight_kg": order.weight_kg,
        "volume_cm3": money.to_decimal(order.volume_m3) * Decimal(1_000_000),
        **extra,
    }


def shipment_quote_data(shipment, **extra) -> dict:
    """The quote input of a shipment's order."""
    return order_quote_data(shipment.order, **extra)


def _fee_lines(quote: Quote, partner_id: int, *, user, now) -> list[ShipmentFeeLine]:
    return [
        ShipmentFeeLine(
            partner_id=partner_id,
            version_id=quote.version_id,
            kind=line.kind,
            code=line.code,
            description=str(line.description)[:200],
            amount=line.amount,
            chargeable_kg=line.chargeable_kg,
            rule=line.rule,
            created_by=user,
            created_at=now,
        )
        for line in quote.lines
    ]


@dataclass
class NewShipmentFees:
    """A new shipment's fee snapshot, priced before the shipment is written (``lines`` unsaved,
    without their shipment), and FIN-02's decision on it; or why it could not be priced."""

    lines: list[ShipmentFeeLine]
    total: Decimal = Decimal("0.00")
    decision: rules.CreditDecision | None = None
    exposure: Decimal | None = None
    problem: str = ""


def shipment_fees_price_new(partner, order, *, user) -> NewShipmentFees:
    """FIN-01/FIN-02 at intake, in the intake's transaction and before its write: the fee lines
    of the order's parcel under the schedule in force today (the declared value insured), and
    the credit decision on their total, with the partner's account locked until the intake
    commits. The caller writes the lines with the shipment (``lines[i].shipment = shipment``)
    and then calls ``shipment_fees_new_record``. A parcel that cannot be priced (no schedule, a
    province in no region, no lane) does not stop the intake: ``problem`` says why, finance is
    told, and the sweep prices it once the schedule allows."""
    from courier.finance.services.ledger import credit_decide_new

    try:
        quote = fee_quote(partner, order_quote_data(order, declared_value=order.declared_value))
    except FinanceInvalid as exc:
        return NewShipmentFees([], problem="; ".join(str(m) for m in exc.messages))
    lines = _fee_lines(quote, partner.pk, user=user, now=timezone.now())
    decision, exposure = credit_decide_new(partner, quote.total, warn_share=quote.credit_warn_share)
    return NewShipmentFees(lines, quote.total, decision, exposure)


def shipment_fees_new_record(shipment, fees: NewShipmentFees, *, user) -> None:
    """After the intake wrote the shipment and its lines (same transaction): FIN-02's hold or
    warning, or finance told that the shipment could not be priced."""
    from courier.core.services.notifications import users_in_role
    from courier.finance.services.ledger import credit_decision_record

    if fees.decision is not None:
        credit_decision_record(shipment, fees.decision, fees.total, fees.exposure, user=user)
        return
    logger.warning("shipment %s cannot be priced: %s", shipment.pk, fees.problem)
    notification_send(
        users_in_role("finance"),
        _("Shipment %(w)s has no fee snapshot") % {"w": shipment.waybill_number},
        fees.problem,
        dedupe_key=f"finance-unpriced-{shipment.pk}",
    )


def shipment_fees_snapshot(shipment, *, user, declared_value=None, extras=(), on=None):
    """FIN-01: write the shipment's fee lines once, at creation, from the schedule in force;
    a later schedule change never rewrites them. Calling it again returns the lines already
    written. Then FIN-02's credit check may hold the shipment. Returns the lines."""
    from courier.finance.services.ledger import shipment_credit_check
    from courier.shipments.services.shipments import shipment_lock

    with transaction.atomic():
        locked = shipment_lock(shipment)
        existing = list(ShipmentFeeLine.objects.filter(shipment=locked).order_by("id"))
        if existing:
            return existing
        if declared_value is None:  # the value the sender declared at intake (FIN-01)
            declared_value = locked.order.declared_value
        data = shipment_quote_data(locked, declared_value=declared_value, extras=list(extras))
        quote = fee_quote(locked.partner, data, on=on)
        lines = _fee_lines(quote, locked.partner_id, user=user, now=timezone.now())
        for line in lines:
            line.shipment = locked
        ShipmentFeeLine.objects.bulk_create(lines)
        shipment_credit_check(locked, quote.total, user=user)
        return lines


# A new shipment's snapshot is written by its intake, in the intake's transaction and with the
# same INSERT batch as the shipment (``shipment_fees_price_new``), so the create's answer shows
# its fee lines. A shipment that could not be priced then (no schedule in force, a province in
# no region) is priced later by the task, with the schedule in force on the day the shipment was
# CREATED (never the day the worker runs), once per shipment (the shipment's row lock and the
# lines already written make a re-run return them); the sweeper
# ``shipment_fees_snapshots_sweep`` queues every recent shipment still without lines.
SNAPSHOT_SWEEP_HOURS = 48  # a shipment older than this without lines is left to finance
SNAPSHOT_SWEEP_GRACE_SECONDS = 120  # the task normally runs within a second of the commit
SNAPSHOT_SWEEP_BATCH = 500


def shipment_fees_snapshot_queue(shipment_id: int) -> None:
    """FIN-01: queue the new shipment's fee snapshot once the caller's transaction commits
    (no query; a broker failure is logged and left to the sweeper)."""
    from courier.finance.tasks import shipment_fees_snapshot as task

    queue_after_commit(
        lambda: task.apply_async(args=(shipment_id,), retry=False),
        what=f"fee snapshot of shipment {shipment_id}",
    )


def shipment_fees_snapshot_due(shipment_id: int):
    """FIN-01: the task's service: the snapshot of shipment ``shipment_id`` under the schedule in
    force on its creation day, written by the intake's user; returns the lines, or ``None`` for
    a cancelled (or vanished) shipment or one that cannot be priced (finance is told once,
    naming the reason; the sweeper tries again until ``SNAPSHOT_SWEEP_HOURS``)."""
    from courier.shipments.selectors import shipments_all

    shipment = shipments_all().select_related("order", "partner").filter(pk=shipment_id).first()
    if shipment is None or shipment.state == "cancelled":
        return None
    try:
        return shipment_fees_snapshot(
            shipment,
            user=shipment.order.verified_by,
            on=timezone.localdate(shipment.created_at),
        )
    except FinanceInvalid as exc:
        problems = "; ".join(str(m) for m in exc.messages)
        logger.warning("shipment %s cannot be priced: %s", shipment_id, problems)
        from courier.core.services.notifications import users_in_role

        notification_send(
            users_in_role("finance"),
            _("Shipment %(w)s has no fee snapshot") % {"w": shipment.waybill_number},
            problems,
            dedupe_key=f"finance-unpriced-{shipment_id}",
        )
        return None


def shipment_fees_snapshots_sweep(now=None) -> int:
    """FIN-01: queue the snapshot of every recent shipment that has none (the broker was down,
    a worker died): original waybills created in the last ``SNAPSHOT_SWEEP_HOURS``, not
    cancelled, at least ``SNAPSHOT_SWEEP_GRACE_SECONDS`` old; ``SNAPSHOT_SWEEP_BATCH`` per run.
    Returns how many were queued."""
    from django.db.models import Exists, OuterRef

    from courier.finance.tasks import shipment_fees_snapshot as task
    from courier.shipments.selectors import shipments_all

    now = now or timezone.now()
    ids = list(
        shipments_all()
        .filter(
            kind="original",
            created_at__gte=now - datetime.timedelta(hours=SNAPSHOT_SWEEP_HOURS),
            created_at__lt=now - datetime.timedelta(seconds=SNAPSHOT_SWEEP_GRACE_SECONDS),
        )
        .exclude(state="cancelled")
        .filter(~Exists(ShipmentFeeLine.objects.filter(shipment_id=OuterRef("pk"))))
        .order_by("created_at")
        .values_list("pk", flat=True)[:SNAPSHOT_SWEEP_BATCH]
    )
    queued = 0
    for pk in ids:
        if not task_delay_safely(task, pk, what=f"fee snapshot of shipment {pk}"):
            break
        queued += 1
    return queued


def shipment_fees_reweigh(shipment, weight_kg, *, user, reason: str = ""):
    """FIN-01/SHP-10: a re-weigh at the station re-prices the freight with the rule kept in the
    snapshot (never today's schedule) and adds the difference as an adjustment line. Returns
    the adjustment line, or None when the freight does not change."""
    from courier.shipments.services.shipments import shipment_lock

    weight = money.to_decimal(weight_kg)
    with transaction.atomic():
        locked = shipment_lock(shipment)
        lines = list(ShipmentFeeLine.objects.filter(shipment=locked).order_by("id"))
        base = next((line for line in lines if line.kind == "freight"), None)
        if base is None:
            raise FinanceConflict(_("The shipment has no fee snapshot yet."), code="no_snapshot")
        settings_row = FinanceSettings.current()
        problems = rules.parcel_problems(weight, {}, settings_row.bounds())
        if problems:
            raise FinanceInvalid({"weight_kg": _("Enter a positive, plausible weight.")})
        r = base.rule
        steps = rules.StepRule(
            Decimal(r["step_kg"]), Decimal(r["heavy_from_kg"]), Decimal(r["heavy_step_kg"])
        )
        rate = rules.LaneRate(
            Decimal(r["first_weight_kg"]),
            Decimal(r["first_price"]),
            Decimal(r["step_price"]),
            Decimal(r["heavy_step_price"]),
        )
        chargeable = rules.chargeable_weight(weight, Decimal(r["volume_cm3"]), r["divisor"])
        new = rules.freight(chargeable, rate, steps, whole_yuan=r.get("whole_yuan", False))
        billed = money.total(
            line.amount
            for line in lines
            if line.kind == "freight" or (line.kind == "adjustment" and line.code == "reweigh")
        )
        difference = new.amount - billed
        if not difference:
            return None
        return ShipmentFeeLine.objects.create(
            shipment=locked,
            partner_id=locked.partner_id,
            version_id=base.version_id,
            kind="adjustment",
            code="reweigh",
            description=_("Re-weighed at the station: %(w)s kg") % {"w": weight},
            amount=difference,
            chargeable_kg=chargeable,
            rule={
                **r,
                "actual_kg": str(weight),
                "chargeable_kg": str(chargeable),
                "formula": new.formula,
                "replaces": str(billed),
            },
            created_by=user,
            reason=reason[:200],
            created_at=timezone.now(),
        )


def shipment_fees_station_weighed(shipment, weight_kg, *, user, reason: str = ""):
    """FIN-01/SHP-10: the station weighed the parcel. A shipment whose snapshot has not been
    written yet (its task has not run) is priced first, from the order as taken in, so the
    station's weight is never lost; then the re-weigh adds its adjustment line. A shipment that
    cannot be priced (no schedule, unknown zone) is left to finance and the scan goes on.
    Returns the adjustment line or None."""
    if not ShipmentFeeLine.objects.filter(shipment_id=shipment.pk).exists():
        try:
            shipment_fees_snapshot(
                shipment,
                user=user,
                on=timezone.localdate(shipment.created_at),
            )
        except FinanceInvalid as exc:
            logger.warning(
                "shipment %s cannot be priced at the station: %s",
                shipment.pk,
                "; ".join(str(m) for m in exc.messages),
            )
            return None
    return shipment_fees_reweigh(shipment, weight_kg, user=user, reason=reason)


# --- schedule versions -----------------------------------------------------------------------

PERIOD_MESSAGES = {
    "overlap": gettext_lazy("overlaps the previous version"),
    "gap": gettext_lazy("leaves a gap after the previous version"),
    "empty": gettext_lazy("ends before it starts"),
    "open_not_last": gettext_lazy("is open-ended but a later version exists"),
}


def schedule_versions_check(schedule, *, candidate=None) -> None:
    """FIN-01: the versions of ``schedule`` (with ``candidate`` replacing or joining them)
    neither overlap nor leave gaps; raises ``FinanceInvalid`` naming the dates."""
    periods = {v.pk: (v.pk, v.effective_from, v.effective_to) for v in schedule.versions.all()}
    if candidate is not None:
        periods[candidate.pk or "new"] = (
            candidate.pk or "new",
            candidate.effective_from,
            candidate.effective_to,
        )
    problems = rules.periods_problems(periods.values())
    if problems:
        starts = {key: start for key, start, _end in periods.values()}
        text = "; ".join(
            _("the version from %(day)s %(problem)s")
            % {"day": starts[key].isoformat(), "problem": PERIOD_MESSAGES[code]}
            for key, code in problems
        )
        raise FinanceInvalid({"effective_from": text}, code="schedule_periods")
