"""The 100-point score's arithmetic (SCR-01..06), pure: tiers and amounts come in as values."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

ZERO = Decimal("0")


@dataclass(frozen=True)
class Tier:
    """Each point lost between ``ceiling`` (exclusive) and ``floor`` costs ``rate`` yuan."""

    ceiling: int
    floor: int
    rate: Decimal
    dismissal: bool = False


@dataclass(frozen=True)
class Amounts:
    start_points: int = 100
    attendance_bonus: Decimal = Decimal("100")
    performance_bonus: Decimal = Decimal("200")
    award_threshold: int = 110
    award_amount: Decimal = Decimal("100")
    team_full_marks: int = 100
    team_share_percent: int = 50
    supervisor_bonus: Decimal = Decimal("100")
    supervisor_fine: Decimal = Decimal("100")
    supervisor_fine_below: int = 60


@dataclass(frozen=True)
class EventFacts:
    points: int
    cash: Decimal = ZERO
    costs_attendance_bonus: bool = False


@dataclass
class LineFigures:
    event_count: int = 0
    points_total: int = 0
    final_score: int = 0
    deduction: Decimal = ZERO
    dismissal: bool = False
    attendance_bonus: Decimal = ZERO
    performance_bonus: Decimal = ZERO
    award: Decimal = ZERO
    cash_fines: Decimal = ZERO
    cash_awards: Decimal = ZERO
    supervisor_bonus: Decimal = ZERO
    supervisor_fine: Decimal = ZERO
    net_amount: Decimal = ZERO

    @property
    def fines_to_fund(self) -> Decimal:
        """SCR-06: every fine of the line goes to the department activity fund."""
        return self.deduction + self.cash_fines + self.supervisor_fine


def month_of(moment: datetime | date, tz: str = "Asia/Shanghai") -> date:
    """The first day of the month ``moment`` falls in, on the company's wall clock."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime")
        moment = moment.astimezone(ZoneInfo(tz)).date()
    return moment.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def payday_for(month: date, day: int) -> date:
    """SCR-04: payday of ``month``'s pay, ``day`` of the following month (clamped to its end)."""
    import calendar

    following = next_month(month)
    last = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=min(day, last))


def period_bounds(month: date, payday_day: int) -> tuple[date, date]:
    """SCR-04 "领取工资以后，所有人员分数重新以100分开始计算": the score period labelled ``month``
    runs from the payday in ``month`` to the day before the next payday (the one that pays it).

    >>> period_bounds(date(2026, 3, 1), 10)
    (datetime.date(2026, 3, 10), datetime.date(2026, 4, 9))
    >>> period_bounds(date(2026, 3, 1), 1)
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    """
    start = payday_for(previous_month(month), payday_day)
    return start, payday_for(month, payday_day) - timedelta(days=1)


def period_of(day: date, payday_day: int) -> date:
    """The label (first of the month) of the score period ``day`` falls in: on or after that
    month's payday it is the month's own period, before it the previous month's.

    >>> period_of(date(2026, 4, 9), 10), period_of(date(2026, 4, 10), 10)
    (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))
    """
    month = day.replace(day=1)
    start, _end = period_bounds(month, payday_day)
    return month if day >= start else previous_month(month)


def period_containing(
    day: date, payday_day: int, paydays: Mapping[date, date | None] | None = None
) -> date:
    """SCR-01/SCR-04: the label of the score period ``day`` falls in when some periods' paydays
    were moved by hand: the period labelled ``M`` runs from the payday closing ``M - 1`` to the
    day before the payday closing ``M``; ``paydays`` maps a label to its payday (a missing or
    empty one is the policy's ``payday_day``).

    >>> moved = {date(2026, 3, 1): date(2026, 4, 8)}
    >>> period_containing(date(2026, 4, 8), 10, moved)
    datetime.date(2026, 4, 1)
    >>> period_containing(date(2026, 4, 7), 10, moved)
    datetime.date(2026, 3, 1)
    >>> period_containing(date(2026, 4, 9), 10)
    datetime.date(2026, 3, 1)
    """
    paydays = paydays or {}

    def pay(label: date) -> date:
        return paydays.get(label) or payday_for(label, payday_day)

    label = period_of(day, payday_day)
    for _step in range(3):  # a moved payday shifts a boundary by days, never by months
        if day < pay(previous_month(label)):
            label = previous_month(label)
        elif day >= pay(label):
            label = next_month(label)
        else:
            break
    return label


def period_span(
    label: date, payday_day: int, paydays: Mapping[date, date | None] | None = None
) -> tuple[date, date]:
    """SCR-04: first and last day of the period ``label`` with moved paydays (``period_bounds``
    when none moved).

    >>> period_span(date(2026, 3, 1), 10, {date(2026, 3, 1): date(2026, 4, 8)})
    (datetime.date(2026, 3, 10), datetime.date(2026, 4, 7))
    """
    paydays = paydays or {}
    start = paydays.get(previous_month(label)) or payday_for(previous_month(label), payday_day)
    end = paydays.get(label) or payday_for(label, payday_day)
    return start, end - timedelta(days=1)


def settle_from(payday: date) -> date:
    """SCR-04/SCR-07 "每月发工资前一天由部门主管结算分数": the first day a period may be settled,
    the day before its payday.

    >>> settle_from(date(2026, 4, 10))
    datetime.date(2026, 4, 9)
    """
    return payday - timedelta(days=1)


def settlement_early(today: date, payday: date) -> bool:
    """SCR-04: settling before the day before payday is too early (the day itself is in time).

    >>> settlement_early(date(2026, 4, 8), date(2026, 4, 10))
    True
    >>> settlement_early(date(2026, 4, 9), date(2026, 4, 10))
    False
    """
    return today < settle_from(payday)


def appeal_deadline(recorded_at: datetime, appeal_days: int) -> datetime:
    """SCR-09: the last moment an event recorded at ``recorded_at`` may be appealed, the policy's
    ``appeal_days`` later to the second.

    >>> from datetime import datetime, timezone
    >>> appeal_deadline(datetime(2026, 3, 20, 10, 0, tzinfo=timezone.utc), 3).isoformat()
    '2026-03-23T10:00:00+00:00'
    """
    return recorded_at + timedelta(days=appeal_days)


def appeal_in_time(recorded_at: datetime, appeal_days: int, now: datetime) -> bool:
    """SCR-09: ``now`` is within the appeal window; the deadline itself is still in time.

    >>> from datetime import datetime, timedelta, timezone
    >>> recorded = datetime(2026, 3, 20, 10, 0, tzinfo=timezone.utc)
    >>> appeal_in_time(recorded, 3, recorded + timedelta(days=3))
    True
    >>> appeal_in_time(recorded, 3, recorded + timedelta(days=3, seconds=1))
    False
    >>> appeal_in_time(recorded, 0, recorded)
    True
    """
    return now <= appeal_deadline(recorded_at, appeal_days)


def tier_deduction(score: int, tiers: Sequence[Tier]) -> Decimal:
    """SCR-02: yuan deducted for ``score``; tiers must not overlap (85 → 10×10 + 5×20 = 200).

    >>> tiers = [Tier(100, 90, Decimal("10")), Tier(90, 80, Decimal("20"))]
    >>> tier_deduction(85, tiers)
    Decimal('200')
    >>> tier_deduction(100, tiers)
    Decimal('0')
    """
    total = ZERO
    for tier in tiers:
        points = tier.ceiling - max(score, tier.floor)
        if points > 0:
            total += tier.rate * points
    return total


def is_dismissal(score: int, tiers: Sequence[Tier]) -> bool:
    """SCR-02: the score falls in a tier marked for dismissal (below 60 by default)."""
    return any(t.dismissal and score < t.ceiling for t in tiers)


def tiers_check(tiers: Sequence[Tier]) -> list[str]:
    """Problems with a tier table (overlaps, negative rates); empty when it is usable."""
    problems = []
    ordered = sorted(tiers, key=lambda t: -t.ceiling)
    for tier in ordered:
        if tier.ceiling <= tier.floor:
            problems.append(f"{tier.ceiling}-{tier.floor}: ceiling must be above floor")
        if tier.rate < 0:
            problems.append(f"{tier.ceiling}-{tier.floor}: negative rate")
    for upper, lower in zip(ordered, ordered[1:], strict=False):
        if lower.ceiling > upper.floor:
            problems.append(f"{upper.ceiling}-{upper.floor} overlaps {lower.ceiling}-{lower.floor}")
    return problems


def line_figures(
    events: Iterable[EventFacts], tiers: Sequence[Tier], amounts: Amounts
) -> LineFigures:
    """SCR-01..04: one employee's month from the month's (not reversed) events."""
    n, points, fines, awards, lost = 0, 0, ZERO, ZERO, False
    for event in events:
        n += 1
        points += event.points
        if event.cash < 0:
            fines += -event.cash
        else:
            awards += event.cash
        lost = lost or event.costs_attendance_bonus
    return line_from_totals(n, points, fines, awards, lost, tiers, amounts)


def line_from_totals(
    event_count: int,
    points_total: int,
    cash_fines: Decimal,
    cash_awards: Decimal,
    lost_attendance_bonus: bool,
    tiers: Sequence[Tier],
    amounts: Amounts,
) -> LineFigures:
    """SCR-01..04: the figures from a month's totals: everyone starts at 100 (SCR-01), the tier
    deduction (SCR-02), both bonuses (SCR-03), the award at 110 or more (SCR-04)."""
    line = LineFigures(
        event_count=event_count,
        points_total=points_total,
        cash_fines=cash_fines,
        cash_awards=cash_awards,
    )
    line.final_score = amounts.start_points + points_total
    line.deduction = tier_deduction(line.final_score, tiers)
    line.dismissal = is_dismissal(line.final_score, tiers)
    line.attendance_bonus = ZERO if lost_attendance_bonus else amounts.attendance_bonus
    line.performance_bonus = amounts.performance_bonus
    line.award = amounts.award_amount if line.final_score >= amounts.award_threshold else ZERO
    line.net_amount = _net(line)
    return line


def supervisor_team_result(team_scores: Sequence[int], amounts: Amounts) -> tuple[Decimal, Decimal]:
    """SCR-05: (bonus, fine) for the supervisor: the bonus if half or more of the team reach full
    marks, the fine if anyone is below 60. Both can apply; an empty team earns nothing."""
    if not team_scores:
        return ZERO, ZERO
    full = sum(1 for s in team_scores if s >= amounts.team_full_marks)
    bonus = (
        amounts.supervisor_bonus
        if full * 100 >= amounts.team_share_percent * len(team_scores)
        else ZERO
    )
    below = any(s < amounts.supervisor_fine_below for s in team_scores)
    return bonus, amounts.supervisor_fine if below else ZERO


def apply_supervisor_result(line: LineFigures, bonus: Decimal, fine: Decimal) -> None:
    line.supervisor_bonus, line.supervisor_fine = bonus, fine
    line.net_amount = _net(line)


def _net(line: LineFigures) -> Decimal:
    return (
        line.attendance_bonus
        + line.performance_bonus
        + line.award
        + line.cash_awards
        + line.supervisor_bonus
        - line.supervisor_fine
        - line.deduction
        - line.cash_fines
    )
