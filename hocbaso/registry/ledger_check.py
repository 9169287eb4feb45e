"""``hocbaso ledger verify``: recompute the ledger from the registry's rows.

Steps, stopping at the first mismatch:
1. rebuild every entry from what it records: each submission's acceptance (with the
   SHA-256 recomputed from the stored packet bytes) and revocation, each school's
   lock (with the digest of its locked submissions), each transfer step;
2. the stored entries are exactly those, index by index, and the head counts them;
3. each stored leaf hash is the RFC 6962 hash of its entry (§2.1), and every stored
   subtree hash of each level is the hash of its two children one level down, so the
   stored tree is the tree of the entries;
4. every checkpoint is signed by the registry's key and its root is the tree's root
   at its size; the latest covers the whole log;
5. every submission's state, replacement link, lock and effective date are what the
   log's entries say (``ledger_state``); all disagreements are reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from hocbaso.ledger import (
    Checkpoint,
    CheckpointError,
    Entry,
    LedgerError,
    hash_children,
    hash_leaf,
    verify_consistency,
)
from hocbaso.registry import correction_ledger, entries
from hocbaso.registry.ledger_log import reading_ledger, verify_stored_checkpoint
from hocbaso.registry.ledger_state import state_problems
from hocbaso.registry.ledger_store import DatabaseStorage
from hocbaso.registry.models import (
    Blob,
    LedgerCheckpoint,
    LedgerEntry,
    LedgerNode,
    SchoolRoundLock,
    Submission,
    Transfer,
)

_CHUNK = 2000


@dataclass(frozen=True)
class LedgerReport:
    ok: bool
    size: int
    checkpoint_size: int | None
    problem: str = ""
    index: int | None = None
    problems: tuple[str, ...] = ()


class _Mismatch(Exception):
    def __init__(self, problem: str, index: int | None = None) -> None:
        super().__init__(problem)
        self.index = index


def verify_ledger() -> LedgerReport:
    """Check the ledger against the registry; the report names the first mismatch."""
    size = DatabaseStorage().tree_size()
    latest = LedgerCheckpoint.objects.order_by("-size").first()
    checkpoint_size = latest.size if latest else None
    try:
        expected = _expected_entries()
        _check_entries(expected, size)
        _check_tree(size)
        _check_checkpoints(size)
    except _Mismatch as mismatch:
        problem = str(mismatch)
        return LedgerReport(
            False, size, checkpoint_size, problem, mismatch.index, (problem,)
        )
    problems = tuple(state_problems())
    if problems:
        return LedgerReport(False, size, checkpoint_size, problems[0], None, problems)
    return LedgerReport(True, size, checkpoint_size)


@dataclass
class _Expected:
    """The entries the registry's rows call for, and why one might differ."""

    entries: dict[int, bytes]
    hints: dict[int, str]


def _expected_entries() -> _Expected:
    expected = _Expected({}, {})
    for index, entry in _all_entries(expected.hints):
        if index in expected.entries:
            raise _Mismatch(
                _("two registry changes claim ledger entry %(i)s") % {"i": index}, index
            )
        expected.entries[index] = entry.to_bytes()
    return expected


def _all_entries(hints: dict[int, str]) -> Iterator[tuple[int, Entry]]:
    yield from _submission_entries(hints)
    yield from _lock_entries(hints)
    yield from _transfer_entries()
    yield from correction_ledger.correction_entries(hints)


def _packet_sha256(blob_id: str) -> str:
    data = Blob.objects.filter(pk=blob_id).values_list("data", flat=True).first()
    return entries.sha256_hex(bytes(data)) if data is not None else ""


def _submission_entries(hints: dict[int, str]) -> Iterator[tuple[int, Entry]]:
    rows = Submission.objects.select_related("supersedes").order_by("pk")
    corrections = correction_ledger.issued_corrections()
    for s in rows.iterator(chunk_size=_CHUNK):
        sha = _packet_sha256(s.blob_id)
        if sha != s.blob_id:
            hints[s.ledger_index] = _(
                "the stored packet of submission %(id)s was altered"
            ) % {"id": s.public_id}
        if s.pk in corrections:  # record:correct, docs/registry.md
            yield (
                s.ledger_index,
                correction_ledger.issued_entry(corrections[s.pk], s, sha),
            )
            continue
        previous = _packet_sha256(s.supersedes.blob_id) if s.supersedes else None
        yield (
            s.ledger_index,
            entries.submission_entry(
                record_id=s.record_id,
                public_id=s.public_id,
                packet_sha256=sha,
                accepted_at=s.accepted_at,
                previous_sha256=previous,
            ),
        )
        if s.withdraw_ledger_index is not None:
            yield s.withdraw_ledger_index, _revocation(s, sha, hints)


def _revocation(s: Submission, sha: str, hints: dict[int, str]) -> Entry:
    """The revocation entry of the row; it commits to the reason if the stored
    entry is of the version that does (docs/ledger.md, "Encoding")."""
    index = s.withdraw_ledger_index
    stored = LedgerEntry.objects.filter(index=index).values_list("data", flat=True)
    carries_reason = any(b'"note":' in bytes(data) for data in stored)
    hints.setdefault(
        index,
        _("the revocation of submission %(id)s (its time or reason) is not the entry's")
        % {"id": s.public_id},
    )
    return entries.revocation_entry(
        record_id=s.record_id,
        public_id=s.public_id,
        packet_sha256=sha,
        withdrawn_at=s.withdrawn_at,
        reason=s.withdraw_reason if carries_reason else None,
    )


def _lock_entries(hints: dict[int, str]) -> Iterator[tuple[int, Entry]]:
    locked = Prefetch(
        "submissions", queryset=Submission.objects.only("public_id", "blob_id", "lock")
    )
    rows = SchoolRoundLock.objects.select_related("lock", "school_year")
    for row in rows.prefetch_related(locked).order_by("pk").iterator(chunk_size=100):
        listing = entries.lock_listing(
            (s.public_id, s.blob_id) for s in row.submissions.all()
        )
        hints[row.ledger_index] = _(
            "the submissions of lock %(id)s, or its time, are not those of the entry"
        ) % {"id": row.lock.public_id}
        yield (
            row.ledger_index,
            entries.lock_entry(
                school_year=row.school_year.name,
                round_name=row.round,
                school_id=row.school_id,
                lock_id=row.lock.public_id,
                digest_hex=entries.sha256_hex(listing),
                locked_at=row.locked_at,
            ),
        )


def _transfer_entries() -> Iterator[tuple[int, Entry]]:
    for t in Transfer.objects.order_by("pk").iterator(chunk_size=_CHUNK):
        steps = [
            ("request", t.request_index, t.requested_at),
            ("release", t.release_index, t.released_at),
            ("acknowledge", t.acknowledge_index, t.acknowledged_at),
        ]
        for step, index, at in steps:
            if index is not None:
                yield (
                    index,
                    entries.transfer_entry(
                        step=step,
                        transcript_id=t.transcript_id,
                        transfer_id=t.public_id,
                        at=at,
                    ),
                )


def _check_entries(expected: _Expected, size: int) -> None:
    stored = LedgerEntry.objects.order_by("index").values_list("index", "data")
    leaves = _level(0)
    position = 0
    for index, data in stored.iterator(chunk_size=_CHUNK):
        if index != position:
            raise _Mismatch(
                _("ledger entry %(i)s is missing") % {"i": position}, position
            )
        if expected.entries.pop(index, None) != bytes(data):
            hint = expected.hints.get(index, _("it does not match the registry's rows"))
            raise _Mismatch(
                _("ledger entry %(i)s: %(why)s") % {"i": index, "why": hint}, index
            )
        leaf = next(leaves, None)
        if leaf is None or leaf[0] != index or leaf[1] != hash_leaf(bytes(data)):
            raise _Mismatch(
                _("the leaf hash of entry %(i)s is wrong") % {"i": index}, index
            )
        position += 1
    if expected.entries:
        first = min(expected.entries)
        raise _Mismatch(
            _("a registry change has no ledger entry %(i)s") % {"i": first}, first
        )
    if position != size:
        raise _Mismatch(
            _("the ledger head says %(head)s entries, there are %(n)s")
            % {"head": size, "n": position}
        )


def _level(level: int) -> Iterator[tuple[int, bytes]]:
    rows = LedgerNode.objects.filter(level=level).order_by("index")
    for index, value in rows.values_list("index", "hash").iterator(chunk_size=_CHUNK):
        yield index, bytes(value)


def _check_tree(size: int) -> None:
    level = 1
    while size >> level:
        children, expected_index = _level(level - 1), 0
        for index, value in _level(level):
            left, right = next(children, None), next(children, None)
            if index != expected_index or left is None or right is None:
                raise _Mismatch(
                    _("subtree (%(l)s, %(i)s) is missing")
                    % {"l": level, "i": expected_index}
                )
            if hash_children(left[1], right[1]) != value:
                raise _Mismatch(
                    _("the hash of subtree (%(l)s, %(i)s) is wrong")
                    % {"l": level, "i": index}
                )
            expected_index += 1
        if expected_index != size >> level:
            raise _Mismatch(_("level %(l)s of the tree is incomplete") % {"l": level})
        level += 1


def _check_checkpoints(size: int) -> None:
    ledger, latest = reading_ledger(), None
    for row in LedgerCheckpoint.objects.order_by("size").iterator(chunk_size=_CHUNK):
        checkpoint = _verified_checkpoint(row, ledger)
        if latest is not None and checkpoint.origin != latest.origin:
            # A new name for the same log: the tree under the new name must
            # extend the tree under the old one (RFC 6962 §2.1.2).
            _check_consistent(latest, checkpoint, ledger)
        latest = checkpoint
    if size and (latest is None or latest.size != size):
        raise _Mismatch(_("the latest checkpoint does not cover the whole ledger"))


def _verified_checkpoint(row: LedgerCheckpoint, ledger) -> Checkpoint:
    """Signed by the registry's key under the origin it names, and the tree's root."""
    try:
        checkpoint = verify_stored_checkpoint(row.note)
        root = ledger.root(checkpoint.size)
    except (CheckpointError, LedgerError) as exc:
        raise _Mismatch(
            _("checkpoint %(size)s: %(error)s")
            % {"size": row.size, "error": _ledger_reason(exc)}
        ) from exc
    if checkpoint.size != row.size or checkpoint.root_hash != root:
        raise _Mismatch(
            _("checkpoint %(size)s does not match the tree") % {"size": row.size}
        )
    return checkpoint


def _ledger_reason(exc: LedgerError) -> str:
    """The core's reason in the reader's language: a checkpoint's failure has a
    template and values (a forged signature names its key); others read as sent."""
    if isinstance(exc, CheckpointError):
        return _(exc.template) % exc.params if exc.params else _(exc.template)
    return str(exc)


def _check_consistent(old: Checkpoint, new: Checkpoint, ledger) -> None:
    try:
        proof = ledger.consistency_proof(old.size, new.size)
        verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof)
    except LedgerError as exc:
        raise _Mismatch(
            _("checkpoints %(a)s and %(b)s are not consistent: %(error)s")
            % {"a": old.size, "b": new.size, "error": exc}
        ) from exc
