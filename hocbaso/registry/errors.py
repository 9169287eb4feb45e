"""The registry's errors: one base class, one subclass per failure, each a stable code.

Boundaries translate them once, where words are chosen: the JSON API answers
``{"error": str(error), "code": error.code}``, the command line prints the sentence
on one line and exits non-zero. Messages are translated English sentences that
never contain a lookup code (domain.md §9).
"""

from __future__ import annotations


class RegistryError(Exception):
    """Base class: the operation was refused and nothing changed."""

    code = "REGISTRY_ERROR"
    status = 400  # a hint for the HTTP boundary; domain code never reads it

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class NotAllowedError(RegistryError):
    """The actor may not do this for that school, unit or department."""

    code = "NOT_ALLOWED"
    status = 403


class NotFoundError(RegistryError):
    """No such receipt, submission, transfer or organisation in the actor's scope."""

    code = "NOT_FOUND"
    status = 404


class ReasonRequiredError(RegistryError):
    """A revocation or a replacement needs a reason (R12)."""

    code = "REASON_REQUIRED"


class RoundClosedError(RegistryError):
    """Base of the two ways a round stops taking changes."""

    code = "ROUND_CLOSED"
    status = 409


class RoundLockedError(RoundClosedError):
    """The record's round is locked: nothing about it changes again (R11)."""

    code = "ROUND_LOCKED"


class DeadlinePassedError(RoundClosedError):
    """The round's lock deadline has passed (domain.md §7)."""

    code = "DEADLINE_PASSED"


class SubmissionStateError(RegistryError):
    """The submission is not the current one (already revoked or replaced)."""

    code = "NOT_CURRENT"
    status = 409


class LockTimeError(RegistryError):
    """A lock time in the future, or before activity it would have to cover."""

    code = "INVALID_LOCK_TIME"


class ReportExistsError(RegistryError):
    """The unit already submitted its report for that round."""

    code = "REPORT_ALREADY_SUBMITTED"
    status = 409


class TransferError(RegistryError):
    """A transfer step out of order, or a transfer that cannot be asked for."""

    code = "TRANSFER_REFUSED"
    status = 409


class LedgerKeyError(RegistryError):
    """The registry's ledger key file is unreadable or malformed."""

    code = "LEDGER_KEY"
    status = 500
