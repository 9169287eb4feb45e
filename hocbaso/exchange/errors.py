"""The exchange's errors, each with a stable code and an HTTP status hint."""

from __future__ import annotations


class ExchangeError(Exception):
    code = "EXCHANGE_ERROR"
    status = 400


class SignatureError(ExchangeError):
    code = "SIGNATURE_INVALID"
    status = 403


class UnknownPeerError(ExchangeError):
    code = "UNKNOWN_PEER"
    status = 403


class BatchInvalidError(ExchangeError):
    code = "BATCH_INVALID"
    status = 422


class BatchConflictError(ExchangeError):
    code = "BATCH_CONFLICT"
    status = 409


class WrongRoleError(ExchangeError):
    code = "WRONG_ROLE"
    status = 404


class DeliveryError(ExchangeError):
    code = "DELIVERY_FAILED"
    status = 502


class ConsentError(ExchangeError):
    code = "CONSENT_INVALID"
    status = 403


class NotFoundError(ExchangeError):
    code = "NOT_FOUND"
    status = 404


class LedgerProofError(BatchInvalidError):
    """A record's ledger evidence does not prove what the manifest says."""

    code = "LEDGER_PROOF_INVALID"


class CheckpointInconsistentError(BatchInvalidError):
    """The checkpoint does not extend the last one accepted from the department."""

    code = "CHECKPOINT_INCONSISTENT"


class WrongDepartmentError(BatchInvalidError):
    """A packet was issued in another department than the one sending it."""

    code = "WRONG_DEPARTMENT"


class EffectiveDateError(BatchInvalidError):
    code = "EFFECTIVE_DATE_MISMATCH"


class RecordIdError(BatchInvalidError):
    code = "RECORD_ID_MISMATCH"


class VersionNotProvenError(BatchInvalidError):
    """A version or status the department's ledger does not prove."""

    code = "VERSION_NOT_PROVEN"


class RecordConflictError(ExchangeError):
    """Other bytes under a record version, or a transcript-year held under
    another record id."""

    code = "RECORD_CONFLICT"
    status = 409


class VersionReplayedError(RecordConflictError):
    """A version the national repository holds already superseded by a later one:
    a replay, refused rather than silently taken as a duplicate."""

    code = "VERSION_REPLAYED"


class VersionOutOfOrderError(BatchInvalidError):
    """An UPDATE arriving before the version it follows; the department's next
    delivery sends it again once that one is held."""

    code = "VERSION_OUT_OF_ORDER"
    status = 409
