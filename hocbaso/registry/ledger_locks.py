"""What each lock covers, published: the list behind a ``round:lock`` entry's digest.

A lock entry's digest is the SHA-256 of the lines ``<submission id> <packet
SHA-256>\\n`` of the submissions it locked, sorted (``entries.lock_listing``). The
public API serves that list a page at a time, with each submission's own entry index,
so anyone can recompute the digest, check it against the entry (and the entry against
a checkpoint), and see which records the lock made effective. The list holds public
ids, packet hashes and entry indexes only: no lookup code, no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

from hocbaso.registry.models import SchoolRoundLock, Submission


@dataclass(frozen=True, order=True)
class CoveredSubmission:
    submission_id: str
    packet_sha256: str
    entry_index: int


@dataclass(frozen=True)
class LockCoverage:
    """The lock of ledger entry ``index`` and its covered submissions, sorted."""

    index: int
    lock_id: str
    digest: str
    locked_at: object
    submissions: tuple[CoveredSubmission, ...]


def lock_coverage(index: int) -> LockCoverage | None:
    """The lock appended at ledger entry ``index``, or None if it is not a lock."""
    lock = (
        SchoolRoundLock.objects.select_related("lock")
        .filter(ledger_index=index)
        .first()
    )
    if lock is None:
        return None
    rows = Submission.objects.filter(lock=lock).values_list(
        "public_id", "blob_id", "ledger_index"
    )
    # Sorted here, not by the database: the digest sorts by code point, and a
    # PostgreSQL collation need not.
    covered = sorted(CoveredSubmission(*row) for row in rows)
    return LockCoverage(
        index, lock.lock.public_id, lock.digest, lock.locked_at, tuple(covered)
    )
