"""The one rounding policy of the money path (FIN-01..03). Every amount is a ``Decimal`` in yuan.

- a *line* (one fee, one ledger entry, one statement line) is rounded once, ROUND_HALF_UP, to
  0.01 yuan (one fen) by ``round_line``; with a contract's whole-yuan rule, to 1 yuan instead;
- a *total* is the sum of rounded lines (``total``), never a rounding of a raw sum;
- floats are refused everywhere: ``to_decimal`` raises ``TypeError`` for one, so a float can
  never slip onto the money path unnoticed.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
YUAN = Decimal("1")
ZERO = Decimal("0.00")


def to_decimal(value) -> Decimal:
    """``value`` (a Decimal, an int or a numeric string) as a Decimal; floats are refused."""
    if isinstance(value, bool | float):
        raise TypeError("floats are not allowed on the money path; pass a str or a Decimal")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    else:
        raise TypeError(f"not a money value: {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def round_line(amount, *, whole_yuan: bool = False) -> Decimal:
    """One line's amount, ROUND_HALF_UP to the fen (or to the yuan with ``whole_yuan``); the
    result always carries two decimal places (``Decimal("6.00")``)."""
    value = to_decimal(amount)
    if whole_yuan:
        return value.quantize(YUAN, rounding=ROUND_HALF_UP).quantize(FEN)
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def total(lines: Iterable) -> Decimal:
    """The sum of lines that are already rounded (a line with more than 2 places is a bug and
    raises ``ValueError``)."""
    result = ZERO
    for line in lines:
        value = to_decimal(line)
        if value != value.quantize(FEN):
            raise ValueError(f"line {value} is not rounded to the fen")
        result += value
    return result.quantize(FEN)


def ceil_div(numerator: Decimal, denominator: Decimal) -> int:
    """⌈numerator ÷ denominator⌉ for non-negative Decimals, exactly (no float)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    if numerator <= 0:
        return 0
    quotient, remainder = divmod(numerator, denominator)  # both exact for Decimals
    return int(quotient) + (1 if remainder else 0)


def permille(amount, rate_permille) -> Decimal:
    """``amount × rate‰``, unrounded."""
    return to_decimal(amount) * to_decimal(rate_permille) / Decimal(1000)


def percent(amount, rate_percent) -> Decimal:
    """``amount × rate%``, unrounded."""
    return to_decimal(amount) * to_decimal(rate_percent) / Decimal(100)
