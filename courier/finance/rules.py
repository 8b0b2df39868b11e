"""Pure rules of the finance domain (FIN-01..05): no database, no settings, no floats.

Every number comes in as an argument (the services read it from the admin-edited rows); every
amount is a ``Decimal`` and every line is rounded by ``courier.finance.money``.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from courier.finance import money

GRAM = Decimal("0.001")

# --- zones and chargeable weight, freight (FIN-01) --------------------------------------------

_PROVINCE_SUFFIXES = (
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
)


def province_key(name: str) -> str:
    """A province as the fee regions list it: 广东省 → 广东, 上海市 → 上海,
    广西壮族自治区 → 广西."""
    value = (name or "").strip()
    for suffix in _PROVINCE_SUFFIXES:
        if value.endswith(suffix) and len(value) > len(suffix):
            return value[: -len(suffix)]
    return value


def volume_cm3(length_cm, width_cm, height_cm) -> Decimal:
    """L × W × H in cm³."""
    return money.to_decimal(length_cm) * money.to_decimal(width_cm) * money.to_decimal(height_cm)


def volumetric_weight(volume_cm3_value, divisor) -> Decimal:
    """Volumetric weight in kg: L×W×H (cm³) ÷ the lane's divisor (e.g. 6000), unrounded."""
    divisor = money.to_decimal(divisor)
    if divisor <= 0:
        raise ValueError("divisor must be positive")
    return money.to_decimal(volume_cm3_value) / divisor


def chargeable_weight(actual_kg, volume_cm3_value, divisor) -> Decimal:
    """max(actual, L×W×H ÷ divisor) in kg, rounded UP to the gram (steps are whole grams, so
    the step count is the same as with the exact value)."""
    value = max(money.to_decimal(actual_kg), volumetric_weight(volume_cm3_value, divisor))
    return value.quantize(GRAM, rounding=ROUND_CEILING)


@dataclass(frozen=True)
class StepRule:
    """Continued weight is counted in ``light_step_kg`` steps up to ``heavy_from_kg`` and in
    ``heavy_step_kg`` steps above it (defaults 0.5 kg, 100 kg, 1 kg; edited per schedule)."""

    light_step_kg: Decimal
    heavy_from_kg: Decimal
    heavy_step_kg: Decimal


@dataclass(frozen=True)
class LaneRate:
    first_weight_kg: Decimal
    first_price: Decimal
    step_price: Decimal  # per light step
    heavy_step_price: Decimal  # per heavy step


@dataclass(frozen=True)
class Freight:
    amount: Decimal  # rounded line
    light_steps: int
    heavy_steps: int
    formula: str


def freight(chargeable_kg, rate: LaneRate, steps: StepRule, *, whole_yuan=False) -> Freight:
    """first price + ⌈(chargeable − first) ÷ step⌉ × step price, where continued weight up to
    ``heavy_from_kg`` counts in light steps and the rest in heavy steps. A weight at or under the
    first weight costs the first price."""
    w = money.to_decimal(chargeable_kg)
    if w <= 0:
        raise ValueError("chargeable weight must be positive")
    first = rate.first_weight_kg
    light_part = max(Decimal(0), min(w, steps.heavy_from_kg) - first)
    heavy_part = max(Decimal(0), w - max(steps.heavy_from_kg, first))
    n_light = money.ceil_div(light_part, steps.light_step_kg)
    n_heavy = money.ceil_div(heavy_part, steps.heavy_step_kg)
    raw = rate.first_price + n_light * rate.step_price + n_heavy * rate.heavy_step_price
    formula = (
        f"{rate.first_price} + ⌈{light_part} ÷ {steps.light_step_kg}⌉={n_light} × {rate.step_price}"
    )
    if n_heavy:
        formula += f" + ⌈{heavy_part} ÷ {steps.heavy_step_kg}⌉={n_heavy} × {rate.heavy_step_price}"
    return Freight(money.round_line(raw, whole_yuan=whole_yuan), n_light, n_heavy, formula)


def insurance(declared_value, rate_permille, minimum, cap, *, whole_yuan=False) -> Decimal:
    """declared value × rate ‰, at least ``minimum`` and at most ``cap`` (None: no cap); no
    declared value, no insurance."""
    declared = money.to_decimal(declared_value)
    if declared <= 0:
        return money.ZERO
    raw = max(money.permille(declared, rate_permille), money.to_decimal(minimum))
    if cap is not None:
        raw = min(raw, money.to_decimal(cap))
    return money.round_line(raw, whole_yuan=whole_yuan)


def charge_item(method: str, *, value, base=None, incurred=None, whole_yuan=False) -> Decimal:
    """An agency fee, other fee or surcharge: ``fixed`` (value yuan), ``percent`` (value % of
    ``base``, normally the freight) or ``incurred`` (the amount actually incurred)."""
    if method == "fixed":
        raw = money.to_decimal(value)
    elif method == "percent":
        raw = money.percent(base, value)
    elif method == "incurred":
        if incurred is None:
            raise ValueError("an as-incurred fee needs its amount")
        raw = money.to_decimal(incurred)
    else:
        raise ValueError(f"unknown method {method!r}")
    if raw < 0:
        raise ValueError("a fee cannot be negative")
    return money.round_line(raw, whole_yuan=whole_yuan)


@dataclass(frozen=True)
class Bounds:
    """Sanity limits of a parcel (data: the finance settings row)."""

    max_weight_kg: Decimal
    max_dimension_cm: Decimal


def parcel_problems(weight_kg, dims_cm: Mapping[str, object], bounds: Bounds) -> dict[str, str]:
    """Field → problem code for a negative, zero or absurd weight or dimension."""
    problems = {}
    w = money.to_decimal(weight_kg)
    if w <= 0:
        problems["weight_kg"] = "not_positive"
    elif w > bounds.max_weight_kg:
        problems["weight_kg"] = "too_large"
    for name, raw in dims_cm.items():
        if raw is None:
            continue
        d = money.to_decimal(raw)
        if d <= 0:
            problems[name] = "not_positive"
        elif d > bounds.max_dimension_cm:
            problems[name] = "too_large"
    return problems


# --- schedule versions (FIN-01) ---------------------------------------------------------------


def periods_problems(periods: Iterable[tuple[object, datetime.date, datetime.date | None]]):
    """Problems of a schedule's versions ``(key, effective_from, effective_to)`` (``to`` exclusive,
    None = open-ended): ``(key, "overlap"|"gap"|"empty"|"open_not_last")`` in date order."""
    ordered = sorted(periods, key=lambda p: p[1])
    problems = []
    for i, (key, start, end) in enumerate(ordered):
        if end is not None and end <= start:
            problems.append((key, "empty"))
        if end is None and i < len(ordered) - 1:
            problems.append((key, "open_not_last"))
        if i:
            _prev_key, _prev_start, prev_end = ordered[i - 1]
            if prev_end is None or prev_end > start:
                problems.append((key, "overlap"))
            elif prev_end < start:
                problems.append((key, "gap"))
    return problems


# --- credit control (FIN-02) ------------------------------------------------------------------


@dataclass(frozen=True)
class CreditTerms:
    credit_limit: Decimal
    prepayment_ratio: Decimal  # 0..1: share of each shipment that must be prepaid
    max_shipment_amount: Decimal | None
    warn_share: Decimal  # 0..1 of the limit


@dataclass(frozen=True)
class CreditDecision:
    hold: bool
    warn: bool
    reasons: tuple[str, ...] = field(default=())
    exposure_after: Decimal = money.ZERO


def credit_decision(exposure, amount, terms: CreditTerms) -> CreditDecision:
    """Exposure = ledger balance (what the partner owes; negative when prepaid) + unbilled
    shipments. A new shipment of ``amount`` is held when it exceeds the amount limit, when the
    prepaid funds do not cover its required prepaid share, or when exposure would pass the limit;
    a warning when exposure reaches ``warn_share`` of the limit."""
    exposure = money.to_decimal(exposure)
    amount = money.to_decimal(amount)
    after = exposure + amount
    reasons = []
    if terms.max_shipment_amount is not None and amount > terms.max_shipment_amount:
        reasons.append("amount_limit")
    if terms.prepayment_ratio > 0 and exposure + amount * terms.prepayment_ratio > 0:
        reasons.append("prepayment")
    if after > terms.credit_limit:
        reasons.append("credit_limit")
    warn = terms.credit_limit > 0 and after >= terms.credit_limit * terms.warn_share
    return CreditDecision(bool(reasons), warn, tuple(reasons), after)


# --- statements (FIN-03) ----------------------------------------------------------------------


def period_bounds(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The ``month``/``quarter``/``year`` containing ``day``: (first day, day after the last)."""
    if kind == "month":
        start = day.replace(day=1)
        end = (
            start.replace(year=start.year + 1, month=1)
            if start.month == 12
            else start.replace(month=start.month + 1)
        )
    elif kind == "quarter":
        start = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        month = start.month + 3
        end = datetime.date(day.year + (month > 12), (month - 1) % 12 + 1, 1)
    elif kind == "year":
        start, end = datetime.date(day.year, 1, 1), datetime.date(day.year + 1, 1, 1)
    else:
        raise ValueError(f"unknown period {kind!r}")
    return start, end


def period_due(kind: str, today: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The period that ended yesterday, if one did (the statement job runs daily)."""
    yesterday = today - datetime.timedelta(days=1)
    start, end = period_bounds(kind, yesterday)
    return (start, end) if end == today else None


MATCHED = "matched"
AMOUNT_MISMATCH = "amount_mismatch"
WEIGHT_MISMATCH = "weight_mismatch"
MISSING_OURS = "missing_ours"
MISSING_THEIRS = "missing_theirs"


def reconcile(
    ours: Mapping[str, tuple[Decimal, Decimal]],
    theirs: Mapping[str, tuple[Decimal, Decimal]],
    *,
    weight_tolerance_kg: Decimal = Decimal("0"),
) -> dict[str, str]:
    """Waybill → class, comparing ``(weight_kg, amount)`` of our lines and the partner's:
    matched, amount mismatch (checked first: money decides), weight mismatch (beyond the
    tolerance), missing on our side (only they have it), missing on theirs (only we have it)."""
    result = {}
    for ref in sorted(set(ours) | set(theirs)):
        if ref not in ours:
            result[ref] = MISSING_OURS
        elif ref not in theirs:
            result[ref] = MISSING_THEIRS
        else:
            (our_w, our_a), (their_w, their_a) = ours[ref], theirs[ref]
            if our_a != their_a:
                result[ref] = AMOUNT_MISMATCH
            elif (
                our_w is not None
                and their_w is not None
                and abs(our_w - their_w) > (weight_tolerance_kg)
            ):
                result[ref] = WEIGHT_MISMATCH
            else:
                result[ref] = MATCHED
    return result


def ageing_bucket(due: datetime.date, as_of: datetime.date, bounds: Iterable[int]) -> str:
    """The ageing bucket of an open amount: ``current`` (not yet due), ``1-30``, ``31-60``, …,
    ``>N`` for days overdue with bucket upper bounds ``bounds`` (e.g. 30, 60, 90)."""
    days = (as_of - due).days
    if days <= 0:
        return "current"
    low = 1
    for upper in bounds:
        if days <= upper:
            return f"{low}-{upper}"
        low = upper + 1
    return f">{low - 1}"


# --- disputes (FIN-04) ------------------------------------------------------------------------


def dispute_note_amount(outcome: str, disputed: Decimal, granted=None) -> Decimal:
    """The credit note of a dispute's outcome: upheld → the disputed amount, rejected → 0,
    split → the granted part (0 < granted < disputed)."""
    disputed = money.to_decimal(disputed)
    if outcome == "upheld":
        return money.round_line(disputed)
    if outcome == "rejected":
        return money.ZERO
    if outcome == "split":
        if granted is None:
            raise ValueError("a split needs the granted amount")
        granted = money.round_line(granted)
        if not 0 < granted < disputed:
            raise ValueError("a split grants more than nothing and less than all")
        return granted
    raise ValueError(f"unknown outcome {outcome!r}")


# --- bank transfers (FIN-05) ------------------------------------------------------------------


def bank_match(amount, reference: str, candidates: Iterable[tuple[object, str, Decimal]]):
    """The one candidate ``(key, number, open amount)`` whose number appears in the bank line's
    reference and whose open amount equals its amount; None when none or several fit."""
    amount = money.to_decimal(amount)
    ref = (reference or "").upper().replace(" ", "")
    hits = [key for key, number, open_ in candidates if number.upper() in ref and open_ == amount]
    return hits[0] if len(hits) == 1 else None
