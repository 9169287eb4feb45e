"""Public identifiers of the registry's objects: a prefix and 80 random bits.

They are opaque on purpose: the ledger and the API show them, so they carry no
personal data, no lookup code and no database sequence, and they never look like a
UUID or a 12-digit personal id (which the ledger refuses, hocbaso.ledger.entry).
"""

from __future__ import annotations

import base64
import secrets

RECEIPT = "rcp"
SUBMISSION = "sub"
LOCK = "lck"
REPORT = "rpt"
TRANSFER = "trf"
CORRECTION = "cor"


def new_id(prefix: str) -> str:
    """``<prefix>-<16 base32 characters>``, for example ``sub-k2j4m5n6p7q3r8s9``."""
    token = base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()
    return f"{prefix}-{token}"


def new_receipt_id() -> str:
    return new_id(RECEIPT)


def new_submission_id() -> str:
    return new_id(SUBMISSION)


def new_lock_id() -> str:
    return new_id(LOCK)


def new_report_id() -> str:
    return new_id(REPORT)


def new_transfer_id() -> str:
    return new_id(TRANSFER)


def new_correction_id() -> str:
    return new_id(CORRECTION)
