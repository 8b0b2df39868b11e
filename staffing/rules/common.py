"""The result of one rule, explained in both languages."""

from dataclasses import asdict, dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class RuleResult:
    code: str
    name_en: str
    name_zh: str
    passed: bool
    message_en: str
    message_zh: str
    # A failed overridable rule does not refuse the request; the supervisor may approve it
    # explicitly (STF-07: a 4th swap in a month).
    overridable: bool = False

    @property
    def name(self) -> str:
        return self.name_en if _english() else self.name_zh

    @property
    def message(self) -> str:
        return self.message_en if _english() else self.message_zh

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RuleResult":
        return cls(**data)


def _english() -> bool:
    return (get_language() or "zh-hans").lower().startswith("en")


def refusals(results: list[RuleResult]) -> list[RuleResult]:
    """The failed rules that refuse (not the overridable ones)."""
    return [r for r in results if not r.passed and not r.overridable]


def rule(code, name_en, name_zh, passed, ok, bad, overridable=False) -> RuleResult:
    """``ok``/``bad`` are (english, chinese) message pairs."""
    en, zh = ok if passed else bad
    return RuleResult(code, name_en, name_zh, passed, en, zh, overridable and not passed)
