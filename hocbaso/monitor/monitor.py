"""One monitoring run: checkpoint, fork checks, new entries, rules (no Django).

``run`` returns a ``Report``; the command line words it. Exit statuses: 0 all good,
1 a rule broken, 2 a fork (evidence written), 3 the log could not be checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from hocbaso.ledger import (
    Checkpoint,
    Entry,
    LedgerError,
    ProofError,
    VerifierKey,
    verify_checkpoint,
    verify_consistency,
)
from hocbaso.monitor.client import FetchError, LogClient
from hocbaso.monitor.rules import Problem
from hocbaso.monitor.state import MonitorState

OK, BROKEN_RULE, FORK, UNCHECKED = 0, 1, 2, 3


@dataclass
class Report:
    status: int = OK
    size: int = 0
    read: int = 0
    problems: list[Problem] = field(default_factory=list)
    evidence: Path | None = None
    error: str = ""


class Fork(Exception):
    def __init__(self, code: str, old_note: str, new_note: str) -> None:
        super().__init__(code)
        self.code, self.old_note, self.new_note = code, old_note, new_note


def run(
    client: LogClient, key: VerifierKey, origin: str, state: MonitorState
) -> Report:
    """Check the log's latest checkpoint against everything seen before."""
    report = Report()
    pinned = state.pinned()
    if pinned is not None and pinned != (origin, key.to_string()):
        report.status, report.error = UNCHECKED, "STATE_OF_ANOTHER_LOG"
        return report
    try:
        note = client.checkpoint()
        checkpoint = verify_checkpoint(note, key, origin)
        report.size = checkpoint.size
        _check_seen(state, checkpoint, note)
        _advance(client, state, checkpoint, note, report, key, origin)
    except Fork as fork:
        report.status, report.error = FORK, fork.code
        report.evidence = _write_evidence(state.directory, fork)
    except (LedgerError, FetchError, UnicodeDecodeError, KeyError) as exc:
        report.status, report.error = UNCHECKED, f"{type(exc).__name__}: {exc}"
    return report


def _check_seen(state: MonitorState, checkpoint: Checkpoint, note: str) -> None:
    seen = state.checkpoint(checkpoint.size)
    if seen is not None and seen[0] != checkpoint.root_hash:
        raise Fork("SAME_SIZE_OTHER_ROOT", seen[1], note)


def _advance(
    client: LogClient,
    state: MonitorState,
    checkpoint: Checkpoint,
    note: str,
    report: Report,
    key: VerifierKey,
    origin: str,
) -> None:
    compact = state.compact_range()
    largest = state.largest_checkpoint()
    if largest is not None and checkpoint.size < largest[0]:
        _check_older(client, checkpoint, note, largest)
        return
    entries = client.entries(compact.size, checkpoint.size)
    book = state.rule_book()
    start = compact.size
    for data in entries:
        compact.append_entry(data)
    if compact.root() != checkpoint.root_hash:
        _explain_mismatch(client, checkpoint, note, largest)
        raise FetchError("the tiles' entries do not make the checkpoint's root")
    for offset, data in enumerate(entries):
        entry = Entry.from_bytes(data)
        report.problems.extend(book.check(start + offset, entry, client.lock_list))
    report.read = len(entries)
    if report.problems:
        report.status = BROKEN_RULE
    state.save(origin, key.to_string(), compact, book, note, since=start)


Seen = tuple[int, bytes, str]


def _check_older(
    client: LogClient, checkpoint: Checkpoint, note: str, largest: Seen
) -> None:
    # An older checkpoint than one seen: it must be a prefix of it.
    try:
        proof = client.consistency(checkpoint.size, largest[0])
        verify_consistency(
            checkpoint.size, largest[0], checkpoint.root_hash, largest[1], proof
        )
    except ProofError as exc:
        raise Fork("OLDER_INCONSISTENT", largest[2], note) from exc


def _explain_mismatch(
    client: LogClient, checkpoint: Checkpoint, note: str, largest: Seen | None
) -> None:
    # The entries do not make the signed root: a fork if the log cannot prove the
    # new checkpoint extends the one seen; else the tiles were wrong (not signed).
    if largest is None:
        return
    try:
        proof = client.consistency(largest[0], checkpoint.size)
        verify_consistency(
            largest[0], checkpoint.size, largest[1], checkpoint.root_hash, proof
        )
    except (ProofError, FetchError, KeyError) as exc:
        raise Fork("NEW_INCONSISTENT", largest[2], note) from exc


def _write_evidence(directory: Path, fork: Fork) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"fork-{stamp}.txt"
    path.write_text(
        f"# {fork.code}\n# the checkpoint seen before:\n{fork.old_note}"
        f"\n# the checkpoint that contradicts it:\n{fork.new_note}",
        encoding="utf-8",
    )
    return path
