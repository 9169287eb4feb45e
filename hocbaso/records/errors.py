"""Errors of the school-side workflow; each message is a translated sentence.

The command line prints ``str(error)`` on one line; pages show it as a message. A
record is always named by its student, school year and grade, never by its lookup
code (a credential, domain.md §9).
"""

from __future__ import annotations

from collections.abc import Iterable


class RecordsError(Exception):
    """Base of the workflow's errors: the action was refused and nothing changed."""


class RecordNotReadyError(RecordsError):
    """A record cannot be packed or signed yet; ``problems`` lists why, one per line."""

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        self.problems = list(problems)
        super().__init__(message)


class NotAllowedToSignError(RecordsError):
    """The user holds no role that lets them sign these records, or cannot see them."""


class CertificateNotRegisteredError(RecordsError):
    """The signer's certificate is not registered to the person or school signing."""


class SigningOutOfOrderError(RecordsError):
    """An earlier signer has not signed yet, or a later one already has (§6.2)."""


class RecordSigningError(RecordsError):
    """The signer or the packet failed while a record was being signed."""


class RecordLockedError(RecordsError):
    """The record, or the student's identity it carries, is locked: nothing changes.

    Raised by the models (save, delete and the querysets' bulk paths) whatever path
    called them; after the lock a correction follows the legal correction procedure.
    """
