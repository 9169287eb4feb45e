"""Stable codes of the answers to a submission, and of the audit trail's events.

A receipt is refused as a whole with ``ReceiptCode``s (the bytes are not a packet or
a package the registry can read); each record of a received receipt is accepted or
rejected with every ``RecordCode`` that applies (R12, domain.md §7). The codes never
change meaning; the API documents them, the messages are translated sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReceiptCode(StrEnum):
    TOO_LARGE = "TOO_LARGE"
    MALFORMED_XML = "MALFORMED_XML"
    UNKNOWN_DOCUMENT = "UNKNOWN_DOCUMENT"
    PACKAGE_SCHEMA = "PACKAGE_SCHEMA"
    PACKAGE_EMPTY = "PACKAGE_EMPTY"
    PACKAGE_SCHOOL_MISMATCH = "PACKAGE_SCHOOL_MISMATCH"
    PACKAGE_DIGEST_MISMATCH = "PACKAGE_DIGEST_MISMATCH"


class RecordCode(StrEnum):
    PACKET_SCHEMA = "PACKET_SCHEMA"
    SIGNATURE_INVALID = "SIGNATURE_INVALID"
    SIGNATURE_INDETERMINATE = "SIGNATURE_INDETERMINATE"
    SIGNATURES_INCOMPLETE = "SIGNATURES_INCOMPLETE"
    SIGNER_ROLE = "SIGNER_ROLE"
    RECORD_UNKNOWN = "RECORD_UNKNOWN"
    RECORD_MISMATCH = "RECORD_MISMATCH"
    NOT_OWN_STUDENT = "NOT_OWN_STUDENT"
    GRADE_NOT_IN_PILOT = "GRADE_NOT_IN_PILOT"
    ROUND_LOCKED = "ROUND_LOCKED"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    ALREADY_SUBMITTED = "ALREADY_SUBMITTED"
    NOTHING_TO_REPLACE = "NOTHING_TO_REPLACE"
    PACKET_WITHDRAWN = "PACKET_WITHDRAWN"
    DUPLICATE_IN_PACKAGE = "DUPLICATE_IN_PACKAGE"


class EventType(StrEnum):
    """Audit event types, written ``subject:action`` so a trail filters by subject."""

    RECEIPT_RECEIVE = "receipt:receive"
    RECORD_SUBMIT = "record:submit"
    RECORD_REPLACE = "record:replace"
    RECORD_REVOKE = "record:revoke"
    ROUND_LOCK = "round:lock"
    ROUND_DEADLINE = "round:deadline"  # a lock deadline moved
    REPORT_SUBMIT = "report:submit"
    TRANSFER_REQUEST = "transcript:transfer-request"
    TRANSFER_RELEASE = "transcript:transfer-release"
    TRANSFER_ACKNOWLEDGE = "transcript:transfer-acknowledge"
    CORRECTION_REQUEST = "correction:request"
    CORRECTION_DECIDE = "correction:decide"
    RECORD_CORRECT = "record:correct"


@dataclass(frozen=True)
class Problem:
    """One reason a receipt or a record was refused: a stable code and a sentence."""

    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}

    @classmethod
    def from_dict(cls, value: dict[str, str]) -> Problem:
        return cls(value["code"], value["message"])
