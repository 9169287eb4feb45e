"""The registry's data model; see each module's docstring."""

from hocbaso.registry.models.audit import AuditEvent
from hocbaso.registry.models.corrections import Correction
from hocbaso.registry.models.ledger import (
    LedgerCheckpoint,
    LedgerEntry,
    LedgerHead,
    LedgerNode,
    node_key,
)
from hocbaso.registry.models.rounds import (
    RoundLock,
    SchoolRoundLock,
    ScopeKind,
    UnitReport,
)
from hocbaso.registry.models.submissions import (
    Blob,
    Operation,
    Receipt,
    RecordResult,
    Submission,
)
from hocbaso.registry.models.tokens import ApiToken as ApiToken
from hocbaso.registry.models.transfers import Transfer
from hocbaso.registry.models.witness import LedgerCosignature, WitnessedLog

__all__ = [
    "AuditEvent",
    "Blob",
    "Correction",
    "LedgerCheckpoint",
    "LedgerCosignature",
    "LedgerEntry",
    "LedgerHead",
    "LedgerNode",
    "Operation",
    "Receipt",
    "RecordResult",
    "RoundLock",
    "SchoolRoundLock",
    "ScopeKind",
    "Submission",
    "Transfer",
    "UnitReport",
    "WitnessedLog",
    "node_key",
]
