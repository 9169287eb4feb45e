"""The registry's operations: every one a function of plain values, bytes and an
Actor, answering frozen result objects and raising ``errors.RegistryError``s with
stable codes. The JSON API and the school side of this deployment call these same
functions (docs/registry.md: an outside school system and ours are treated alike).

Organisations may be given as rows or by code (school and unit codes, the school
year's name). ``clock`` (a callable returning an aware datetime) is injectable
everywhere, so tests freeze time; ``verifier`` chooses where packets are verified.

The operations live in modules named for what they act on (``submission_actions``,
``round_actions``, ``transfer_actions``, ``correction_actions``, ``ledger_actions``);
this module is the one other packages import them from (docs/architecture.md).
"""

from __future__ import annotations

from hocbaso.registry.actors import Actor
from hocbaso.registry.correction_actions import (
    decide_correction,
    issue_correction,
    request_correction,
)
from hocbaso.registry.ledger_actions import (
    consistency_proof,
    inclusion_proof,
    latest_ledger_checkpoint,
    ledger_entries,
    ledger_verifier_key,
)
from hocbaso.registry.ledger_check import LedgerReport, verify_ledger
from hocbaso.registry.locking import LockResult, MissingRecord
from hocbaso.registry.reporting import SchoolFigures, UnitReportView
from hocbaso.registry.results import ReceiptView, SubmissionView
from hocbaso.registry.round_actions import (
    lock_round,
    missing_records,
    submit_unit_report,
    unit_report_figures,
)
from hocbaso.registry.submission_actions import (
    process_receipt,
    receipt_status,
    replace,
    revoke,
    submission_packet,
    submission_snapshot,
    submission_status,
    submit,
)
from hocbaso.registry.transfer_actions import (
    acknowledge_transfer,
    release_transfer,
    request_transfer,
    transfer_status,
)

__all__ = [
    "Actor",
    "LedgerReport",
    "LockResult",
    "MissingRecord",
    "ReceiptView",
    "SchoolFigures",
    "SubmissionView",
    "UnitReportView",
    "acknowledge_transfer",
    "consistency_proof",
    "decide_correction",
    "inclusion_proof",
    "issue_correction",
    "latest_ledger_checkpoint",
    "ledger_entries",
    "ledger_verifier_key",
    "lock_round",
    "missing_records",
    "process_receipt",
    "receipt_status",
    "release_transfer",
    "replace",
    "request_correction",
    "request_transfer",
    "revoke",
    "submission_packet",
    "submission_snapshot",
    "submission_status",
    "submit",
    "submit_unit_report",
    "transfer_status",
    "unit_report_figures",
    "verify_ledger",
]
