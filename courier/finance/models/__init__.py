"""Models of the finance domain (app label ``courier``)."""

from courier.finance.models.fees import (
    FeeItem,
    FeeLane,
    FeeMode,
    FeeRegion,
    FeeSchedule,
    FeeScheduleVersion,
    FinanceSettings,
    InsuranceRate,
    PartnerAccount,
    PeriodKind,
    ShipmentFeeLine,
)
from courier.finance.models.ledger import (
    AppendOnlyError,
    CreditAssessment,
    CreditHold,
    LedgerAllocation,
    LedgerEntry,
)
from courier.finance.models.statements import (
    BankTransaction,
    BankTransferCustomer,
    BankTransferOrder,
    ReconciliationItem,
    Statement,
    StatementDispute,
    StatementLine,
    StatementState,
)

__all__ = [
    "AppendOnlyError",
    "BankTransaction",
    "BankTransferCustomer",
    "BankTransferOrder",
    "CreditAssessment",
    "CreditHold",
    "FeeItem",
    "FeeLane",
    "FeeMode",
    "FeeRegion",
    "FeeSchedule",
    "FeeScheduleVersion",
    "FinanceSettings",
    "InsuranceRate",
    "LedgerAllocation",
    "LedgerEntry",
    "PartnerAccount",
    "PeriodKind",
    "ReconciliationItem",
    "ShipmentFeeLine",
    "Statement",
    "StatementDispute",
    "StatementLine",
    "StatementState",
]
