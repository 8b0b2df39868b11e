"""Pure money and rule functions of the finance domain (no database)."""

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courier.finance import money, rules

STEPS = rules.StepRule(D("0.5"), D("100"), D("1"))
EXPRESS = rules.LaneRate(D("1"), D("12.00"), D("2.50"), D("4.00"))

amounts = st.decimals(min_value=D("-1000000"), max_value=D("1000000"), places=4)
weights = st.decimals(min_value=D("0.001"), max_value=D("2000"), places=3)


def test_round_line_half_up_not_bankers():
    """FIN-01: each line is rounded ROUND_HALF_UP to the fen: 0.825 → 0.83 (banker's rounding
    would give 0.82), 0.005 → 0.01, -0.005 → -0.01; with the whole-yuan rule 2.50 → 3.00."""
    assert money.round_line(D("0.825")) == D("0.83")
    assert money.round_line(D("0.005")) == D("0.01")
    assert money.round_line(D("-0.005")) == D("-0.01")
    assert money.round_line("2.5", whole_yuan=True) == D("3.00")
    assert money.round_line(D("2.49"), whole_yuan=True) == D("2.00")
    assert str(money.round_line(6)) == "6.00"


def test_floats_are_refused():
    """FIN-01: never a float on the money path."""
    with pytest.raises(TypeError):
        money.to_decimal(0.1)
    with pytest.raises(TypeError):
        money.round_line(1.005)
    with pytest.raises(ValueError):
        money.to_decimal("NaN")
    with pytest.raises(ValueError):
        money.total([D("1.005")])  # a total only adds rounded lines


@given(amounts)
def test_round_line_properties(x):
    """FIN-01: a rounded line has two places, is within half a fen, and rounding is idempotent."""
    r = money.round_line(x)
    assert r.as_tuple().exponent == -2
    assert abs(r - x) <= D("0.005")
    assert money.round_line(r) == r


@given(st.lists(amounts, max_size=50))
def test_total_is_the_sum_of_rounded_lines(raw):
    """FIN-01/03: a total is the sum of its rounded lines, exactly (not a rounding of the raw
    sum: 0.004 + 0.004 + 0.004 totals 0.00, not 0.01)."""
    lines = [money.round_line(x) for x in raw]
    assert money.total(lines) == sum(lines, D("0"))
    assert money.total([money.round_line(D("0.004"))] * 3) == D("0.00")


@given(
    st.decimals(min_value=D("0"), max_value=D("10000"), places=3),
    st.decimals(min_value=D("0.001"), max_value=D("100"), places=3),
)
def test_ceil_div_is_exact(n, d):
    """FIN-01: ⌈n ÷ d⌉ is exact: k·d < n ≤ (k+1)·d for the k returned minus one."""
    k = money.ceil_div(n, d)
    assert k * d >= n
    assert k == 0 or (k - 1) * d < n


def test_worked_example_across_regions():
    """FIN-01: 3.2 kg, 40×30×20 cm across regions (divisor 6000). Volume 24,000 cm³ ÷ 6000 =
    4.0 kg volumetric > 3.2 kg actual, so 4.0 kg is charged. Freight = 12.00 first kg +
    ⌈(4.0 − 1) ÷ 0.5⌉ = 6 steps × 2.50 = 12.00 + 15.00 = 27.00."""
    volume = rules.volume_cm3(40, 30, 20)
    assert volume == D("24000")
    chargeable = rules.chargeable_weight(D("3.2"), volume, 6000)
    assert chargeable == D("4")
    fr = rules.freight(chargeable, EXPRESS, STEPS)
    assert (fr.amount, fr.light_steps, fr.heavy_steps) == (D("27.00"), 6, 0)


def test_worked_example_within_province():
    """FIN-01: the same parcel within one province (divisor 12000): 24,000 ÷ 12000 = 2.0 kg
    volumetric < 3.2 kg actual, so 3.2 kg is charged: 6.00 + ⌈2.2 ÷ 0.5⌉ = ⌈4.4⌉ = 5 steps
    × 1.00 = 11.00."""
    chargeable = rules.chargeable_weight(D("3.2"), D("24000"), 12000)
    assert chargeable == D("3.2")
    rate = rules.LaneRate(D("1"), D("6.00"), D("1.00"), D("2.00"))
    assert rules.freight(chargeable, rate, STEPS).amount == D("11.00")


@pytest.mark.parametrize(
    ("kg", "expected", "light", "heavy"),
    [
        # at or under the first weight: the first price only
        ("0.2", "12.00", 0, 0),
        ("1", "12.00", 0, 0),
        # 1.001 kg: one started step of 0.5 kg
        ("1.001", "14.50", 1, 0),
        ("1.5", "14.50", 1, 0),
        ("1.501", "17.00", 2, 0),
        # 100 kg: 99 kg in 198 half-kilo steps = 12 + 495 = 507.00
        ("100", "507.00", 198, 0),
        # 100.3 kg: + one started whole kg (4.00) = 511.00
        ("100.3", "511.00", 198, 1),
        # 150 kg: 12 + 198 × 2.50 + 50 × 4.00 = 12 + 495 + 200 = 707.00
        ("150", "707.00", 198, 50),
    ],
)
def test_step_pricing_boundaries(kg, expected, light, heavy):
    """FIN-01: first weight + ⌈(chargeable − first) ÷ step⌉ × step price; steps of 0.5 kg up to
    100 kg and of whole kg above (worked by hand in the parameters)."""
    fr = rules.freight(D(kg), EXPRESS, STEPS)
    assert (fr.amount, fr.light_steps, fr.heavy_steps) == (D(expected), light, heavy)


@given(weights, weights)
def test_freight_never_decreases_with_weight(a, b):
    """FIN-01: more weight never costs less, and never less than the first price."""
    lo, hi = sorted((a, b))
    assert rules.freight(lo, EXPRESS, STEPS).amount <= rules.freight(hi, EXPRESS, STEPS).amount
    assert rules.freight(lo, EXPRESS, STEPS).amount >= EXPRESS.first_price


@given(
    weights,
    st.decimals(min_value=D("0"), max_value=D("10000000"), places=1),
    st.sampled_from([6000, 12000, 5000]),
)
def test_chargeable_is_the_larger(actual, volume, divisor):
    """FIN-01: chargeable = max(actual, L×W×H ÷ divisor)."""
    c = rules.chargeable_weight(actual, volume, divisor)
    assert c >= actual and c >= volume / D(divisor)
    assert c - max(actual, volume / D(divisor)) < D("0.001")


def test_insurance_worked_examples():
    """FIN-01: declared 2,000 yuan × 3‰ = 6.00 (over the 1-yuan minimum); 200 yuan × 3‰ =
    0.60 → the minimum 1.00; 500,000 × 3‰ = 1,500 → the cap 1,000.00; nothing declared → 0;
    1,234.50 × 3‰ = 3.7035 → 3.70."""
    assert rules.insurance(D("2000"), D("3"), D("1"), None) == D("6.00")
    assert rules.insurance(D("200"), D("3"), D("1"), None) == D("1.00")
    assert rules.insurance(D("500000"), D("3"), D("1"), D("1000")) == D("1000.00")
    assert rules.insurance(D("0"), D("3"), D("1"), None) == D("0.00")
    assert rules.insurance(D("1234.50"), D("3"), D("1"), None) == D("3.70")


@given(st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2))
def test_insurance_between_minimum_and_cap(declared):
    """FIN-01: insurance is always within [minimum, cap]."""
    value = rules.insurance(declared, D("3"), D("1"), D("1000"))
    assert D("1.00") <= value <= D("1000.00")


def test_charge_items():
    """FIN-01: agency/other fees and surcharges: fixed, % of freight (3 % of 27.50 = 0.825 →
    0.83), or as incurred; a negative fee is refused."""
    assert rules.charge_item("fixed", value=D("10")) == D("10.00")
    assert rules.charge_item("percent", value=D("3"), base=D("27.50")) == D("0.83")
    assert rules.charge_item("incurred", value=0, incurred=D("150.456")) == D("150.46")
    with pytest.raises(ValueError):
        rules.charge_item("incurred", value=0)
    with pytest.raises(ValueError):
        rules.charge_item("fixed", value=D("-1"))


def test_parcel_problems():
    """FIN-01 bad input: negative, zero or absurd weights and dimensions name the field."""
    bounds = rules.Bounds(D("5000"), D("600"))
    assert rules.parcel_problems(D("-1"), {"length_cm": D("0")}, bounds) == {
        "weight_kg": "not_positive",
        "length_cm": "not_positive",
    }
    assert rules.parcel_problems(D("9999"), {"height_cm": D("601")}, bounds) == {
        "weight_kg": "too_large",
        "height_cm": "too_large",
    }
    assert rules.parcel_problems(D("3.2"), {"width_cm": None}, bounds) == {}


def test_province_key():
    """FIN-01: provinces as written on waybills find their region."""
    assert rules.province_key("广东省") == "广东"
    assert rules.province_key("上海市") == "上海"
    assert rules.province_key("广西壮族自治区") == "广西"
    assert rules.province_key("内蒙古自治区") == "内蒙古"
    assert rules.province_key("香港特别行政区") == "香港"
    assert rules.province_key(" 浙江 ") == "浙江"


def d(s):
    return datetime.date.fromisoformat(s)


def test_periods_overlap_and_gap():
    """FIN-01: schedule versions neither overlap nor leave gaps (``to`` exclusive)."""
    ok = [(1, d("2026-01-01"), d("2026-07-01")), (2, d("2026-07-01"), None)]
    assert rules.periods_problems(ok) == []
    assert rules.periods_problems(
        [(1, d("2026-01-01"), d("2026-07-02")), (2, d("2026-07-01"), None)]
    ) == [(2, "overlap")]
    assert rules.periods_problems(
        [(1, d("2026-01-01"), d("2026-06-30")), (2, d("2026-07-01"), None)]
    ) == [(2, "gap")]
    assert rules.periods_problems([(1, d("2026-01-01"), None), (2, d("2026-07-01"), None)]) == [
        (1, "open_not_last"),
        (2, "overlap"),
    ]
    assert rules.periods_problems([(1, d("2026-01-01"), d("2026-01-01"))]) == [(1, "empty")]


TERMS = rules.CreditTerms(D("1000"), D("0"), D("500"), D("0.8"))


def test_credit_decision():
    """FIN-02: exposure = balance + unbilled. Limit 1,000, warn at 80 %, at most 500 a shipment:
    700 + 50 → 750 fine; 700 + 100 → 800 warns; 950 + 100 → 1,050 held (credit limit);
    a 600 shipment is held (amount limit)."""
    assert rules.credit_decision(D("700"), D("50"), TERMS) == rules.CreditDecision(
        False, False, (), D("750")
    )
    assert rules.credit_decision(D("700"), D("100"), TERMS).warn is True
    held = rules.credit_decision(D("950"), D("100"), TERMS)
    assert (held.hold, held.reasons) == (True, ("credit_limit",))
    assert rules.credit_decision(D("0"), D("600"), TERMS).reasons == ("amount_limit",)


def test_credit_prepayment_ratio():
    """FIN-02: with a required prepayment ratio of 50 %, a 100-yuan shipment needs 50 yuan of
    prepaid funds: balance −60 (prepaid) passes, −40 is held."""
    terms = rules.CreditTerms(D("1000"), D("0.5"), None, D("0.8"))
    assert rules.credit_decision(D("-60"), D("100"), terms).hold is False
    assert rules.credit_decision(D("-40"), D("100"), terms).reasons == ("prepayment",)


@given(
    st.decimals(min_value=D("-5000"), max_value=D("5000"), places=2),
    st.decimals(min_value=D("0"), max_value=D("2000"), places=2),
)
def test_credit_never_passes_the_limit(exposure, amount):
    """FIN-02: a shipment that is not held never takes exposure over the limit."""
    decision = rules.credit_decision(exposure, amount, TERMS)
    if not decision.hold:
        assert exposure + amount <= TERMS.credit_limit


def test_period_bounds_and_due():
    """FIN-03: monthly, quarterly and yearly periods; the job builds a period the day after."""
    assert rules.period_bounds("month", d("2026-12-15")) == (d("2026-12-01"), d("2027-01-01"))
    assert rules.period_bounds("quarter", d("2026-11-15")) == (d("2026-10-01"), d("2027-01-01"))
    assert rules.period_bounds("quarter", d("2026-05-31")) == (d("2026-04-01"), d("2026-07-01"))
    assert rules.period_bounds("year", d("2026-05-31")) == (d("2026-01-01"), d("2027-01-01"))
    assert rules.period_due("month", d("2026-12-01")) == (d("2026-11-01"), d("2026-12-01"))
    assert rules.period_due("month", d("2026-12-02")) is None
    assert rules.period_due("quarter", d("2026-11-01")) is None


def test_reconcile_classes():
    """FIN-03: each waybill is matched, an amount mismatch, a weight mismatch, missing on our
    side or missing on theirs."""
    ours = {
        "A": (D("1.0"), D("10.00")),
        "B": (D("2.0"), D("20.00")),
        "C": (D("3.0"), D("30.00")),
        "D": (D("1.0"), D("5.00")),
    }
    theirs = {
        "A": (D("1.0"), D("10.00")),
        "B": (D("2.0"), D("19.00")),
        "C": (D("3.5"), D("30.00")),
        "E": (D("1.0"), D("8.00")),
    }
    assert rules.reconcile(ours, theirs) == {
        "A": "matched",
        "B": "amount_mismatch",
        "C": "weight_mismatch",
        "D": "missing_theirs",
        "E": "missing_ours",
    }
    assert rules.reconcile(ours, theirs, weight_tolerance_kg=D("0.5"))["C"] == "matched"


@given(
    st.dictionaries(
        st.text("ABC", min_size=1, max_size=3),
        st.tuples(st.just(D("1")), st.decimals(0, 100, places=2)),
        max_size=8,
    ),
    st.dictionaries(
        st.text("ABC", min_size=1, max_size=3),
        st.tuples(st.just(D("1")), st.decimals(0, 100, places=2)),
        max_size=8,
    ),
)
def test_reconcile_is_symmetric(ours, theirs):
    """FIN-03: swapping the sides swaps missing-ours and missing-theirs and nothing else."""
    swap = {"missing_ours": "missing_theirs", "missing_theirs": "missing_ours"}
    a, b = rules.reconcile(ours, theirs), rules.reconcile(theirs, ours)
    assert {k: swap.get(v, v) for k, v in a.items()} == b


def test_ageing_buckets():
    """FIN-03: not yet due → current; 1–30, 31–60, 61–90, over 90 days overdue."""
    as_of = d("2026-12-31")
    bounds = [30, 60, 90]
    assert rules.ageing_bucket(d("2026-12-31"), as_of, bounds) == "current"
    assert rules.ageing_bucket(d("2026-12-30"), as_of, bounds) == "1-30"
    assert rules.ageing_bucket(d("2026-12-01"), as_of, bounds) == "1-30"
    assert rules.ageing_bucket(d("2026-11-30"), as_of, bounds) == "31-60"
    assert rules.ageing_bucket(d("2026-10-02"), as_of, bounds) == "61-90"  # 90 days
    assert rules.ageing_bucket(d("2026-10-01"), as_of, bounds) == ">90"  # 91 days


def test_dispute_note_amounts():
    """FIN-04: upheld → the whole difference, rejected → nothing, split → the granted part."""
    assert rules.dispute_note_amount("upheld", D("3.00")) == D("3.00")
    assert rules.dispute_note_amount("rejected", D("3.00")) == D("0.00")
    assert rules.dispute_note_amount("split", D("3.00"), D("1.5")) == D("1.50")
    for granted in (D("0"), D("3.00"), D("4")):
        with pytest.raises(ValueError):
            rules.dispute_note_amount("split", D("3.00"), granted)


def test_bank_match():
    """FIN-05: a bank line matches the one open statement named in its reference with the same
    amount; none, or two that fit, is no match."""
    candidates = [(1, "ST-P1-202611-v1", D("27.00")), (2, "ST-P2-202611-v1", D("27.00"))]
    assert rules.bank_match(D("27.00"), "付款 st-p1-202611-v1", candidates) == 1
    assert rules.bank_match(D("27.01"), "ST-P1-202611-v1", candidates) is None
    assert rules.bank_match(D("27.00"), "no reference", candidates) is None
