"""Models of the staffing app, one module per concern; each module adds its own import line."""

from .accounts import AccountHolding, AccountPurpose, AccountSystem, SystemAccount  # noqa: F401
from .attendance import AttendanceDay, CorrectionState, Direction, Punch, PunchCorrection  # noqa: F401
from .calendar import Holiday  # noqa: F401
from .chat import ChatOfflineApproval, ChatStatusBreach  # noqa: F401
from .handover import HandoverNote  # noqa: F401
from .leave import LeaveRequest, LeaveType  # noqa: F401
from .people import Department, Employee, Position
from .policy import StaffingPolicy  # noqa: F401
from .roster import (  # noqa: F401
    CalendarFeed,
    RosterChange,
    RosterEntry,
    RosterKind,
    RosterPattern,
    RosterPatternMember,
    RosterPatternStep,
)
from .scoring import (  # noqa: F401, E501
    FundEntry,
    ScoreAppeal,
    ScoreEvent,
    ScoreRule,
    ScoreTier,
    ScoringPolicy,
    Settlement,
    SettlementLine,
    SettlementReopening,
)
from .scoring_cancel import ScoreCancelCondition  # noqa: F401
from .shifts import ShiftSession, ShiftType  # noqa: F401
from .swaps import RequestState, SwapRequest  # noqa: F401
from .training import TrainingKind, TrainingRecord, TrainingTopic  # noqa: F401

__all__ = ["Department", "Employee", "Position"]
