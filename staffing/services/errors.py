"""The error every staffing service raises on a refused request: which rules refused, and why."""

from courier.core.errors import ApplicationError
from staffing.rules.common import RuleResult, refusals


class StaffingError(ApplicationError):
    """A refused request; ``messages`` are in the current language."""

    def __init__(self, message, results: list[RuleResult] | None = None):
        self.results = results or []
        super().__init__(message)


class RulesRefused(StaffingError):
    def __init__(self, results: list[RuleResult]):
        failed = refusals(results) or [r for r in results if not r.passed]
        super().__init__([f"{r.name}: {r.message}" for r in failed], results)
