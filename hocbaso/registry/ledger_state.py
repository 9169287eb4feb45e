"""``hocbaso ledger verify``, last step: each submission's legal state, read from
the log's entries, against the submission's row.

What the log says of a submission (named by its public id, the entries' reference):
- its ``record:submit`` or ``record:replace`` entry accepted it; a replacement's
  ``previous`` names the packet it superseded, so the submission of the same record
  with that packet SHA-256 became ``superseded``;
- a ``record:revoke`` entry naming it withdrew it (``revoked``);
- a ``record:correct`` entry accepted the corrected version of a locked record: it
  names the locked packet it supersedes (``supersedes``; the locked submission
  stays accepted and locked) and is effective at the entry's time; the
  corrections' own states are read from their entries (``correction_ledger``);
- the ``round:lock`` entry whose digest covers it locked it, and that entry's time
  is the lock time, the record's effective date (docs/registry.md, "Rounds,
  deadlines, locking"). Which lock covers which submission comes from the rows
  (``Submission.lock``), but the earlier step of ``ledger verify`` has already
  checked that each lock's list hashes to the digest in its entry.
The row must agree on every column the legal status depends on: ``state``,
``supersedes``, ``lock``, ``locked_at``. A lock must only cover submissions the log
says were current when it was appended, and nothing locked may be withdrawn later.
The revocation's ``withdrawn_at`` and its entry are compared by the earlier step.
Each lock act's ``locked_at`` must be its schools' lock entries' time, and each
school's ``locked_count`` the length of the list its digest covers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Count
from django.utils.translation import gettext as _

from hocbaso.ledger import Entry, Event
from hocbaso.registry.correction_ledger import (
    CorrectionFate,
    correction_problems,
    read_correction,
)
from hocbaso.registry.models import LedgerEntry, SchoolRoundLock, Submission

_CHUNK = 2000
ACCEPTED, SUPERSEDED, REVOKED = "accepted", "superseded", "revoked"
_CORRECTION_EVENTS = {
    Event.CORRECTION_REQUEST,
    Event.CORRECTION_DECIDE,
    Event.RECORD_CORRECT,
}


@dataclass
class _Fate:
    """One submission as the log tells it."""

    index: int
    supersedes: str | None = None
    state: str = ACCEPTED
    ended_at: int | None = None  # the entry that revoked or superseded it
    effective: datetime | None = None  # issued by record:correct, effective then


@dataclass
class _Log:
    fates: dict[str, _Fate] = field(default_factory=dict)
    lock_times: dict[int, datetime] = field(default_factory=dict)
    corrections: dict[str, CorrectionFate] = field(default_factory=dict)
    correction_notes: dict[bytes, str] = field(default_factory=dict)


def state_problems() -> list[str]:
    """Every disagreement between a submission's row and the log, one sentence each."""
    log = _read_log()
    locks = dict(SchoolRoundLock.objects.values_list("pk", "ledger_index"))
    problems: list[str] = []
    rows = Submission.objects.select_related("supersedes").order_by("pk")
    for row in rows.iterator(chunk_size=_CHUNK):
        fate = log.fates.get(row.public_id)
        if fate is None:
            problems.append(
                _("submission %(id)s: no ledger entry accepted it")
                % {"id": row.public_id}
            )
            continue
        problems.extend(_compare(row, fate, log, locks))
    return problems + _lock_problems(log) + correction_problems(log.corrections)


def _lock_problems(log: _Log) -> list[str]:
    """A lock act's time is its schools' lock entries' time, and each school's count
    is the length of the list its digest covers."""
    problems = []
    rows = SchoolRoundLock.objects.select_related("lock").annotate(
        covered=Count("submissions")
    )
    for row in rows.order_by("pk").iterator(chunk_size=_CHUNK):
        by_log = _time(log.lock_times.get(row.ledger_index))
        where = _("lock entry %(i)s") % {"i": row.ledger_index}
        problems += [
            _lock_column(
                row.lock.public_id,
                "locked_at",
                _time(row.lock.locked_at),
                by_log,
                where,
            ),
            _lock_column(
                row.lock.public_id, "locked_count", row.locked_count, row.covered, where
            ),
        ]
    return [p for p in problems if p]


def _lock_column(lock_id: str, column: str, in_row, by_log, where: str) -> str:
    if in_row == by_log:
        return ""
    return _(
        "lock %(id)s, column %(column)s: %(row)s in the row, %(log)s by the ledger "
        "(%(where)s)"
    ) % {
        "id": lock_id,
        "column": column,
        "row": _shown(in_row),
        "log": _shown(by_log),
        "where": where,
    }


def _stored_entries() -> Iterator[tuple[int, Entry]]:
    rows = LedgerEntry.objects.order_by("index").values_list("index", "data")
    for index, data in rows.iterator(chunk_size=_CHUNK):
        yield index, Entry.from_bytes(bytes(data))


def _read_log() -> _Log:
    log = _Log()
    packets: dict[tuple[str, bytes], str] = {}  # (record, packet SHA-256) -> id
    for index, entry in _stored_entries():
        if entry.event in (Event.RECORD_SUBMIT, Event.RECORD_REPLACE):
            assert entry.digest is not None  # the entry type requires it
            fate = _Fate(index)
            log.fates[entry.reference] = fate
            if entry.previous is not None:
                fate.supersedes = packets.get((entry.subject, entry.previous))
                _end(log, fate.supersedes, SUPERSEDED, index)
            packets[(entry.subject, entry.digest)] = entry.reference
        elif entry.event is Event.RECORD_REVOKE:
            _end(log, entry.reference, REVOKED, index)
        elif entry.event is Event.ROUND_LOCK:
            log.lock_times[index] = entry.time
        elif entry.event is Event.RECORD_CORRECT:
            _correct(log, packets, index, entry)
        if entry.event in _CORRECTION_EVENTS:
            read_correction(entry, log.corrections, log.correction_notes)
    return log


def _correct(log: _Log, packets: dict, index: int, entry: Entry) -> None:
    """A corrected version supersedes the locked packet without ending its
    submission (nothing locked changes): effective at the entry's time."""
    fate = _Fate(index, effective=entry.time)
    fate.supersedes = packets.get((entry.subject, entry.previous or b""))
    log.fates[entry.reference] = fate


def _end(log: _Log, public_id: str | None, state: str, index: int) -> None:
    fate = log.fates.get(public_id or "")
    if fate is not None and fate.ended_at is None:
        fate.state, fate.ended_at = state, index


def _compare(row: Submission, fate: _Fate, log: _Log, locks: dict) -> list[str]:
    lock_index = locks.get(row.lock_id) if row.lock_id else None
    effective = log.lock_times.get(lock_index) if lock_index is not None else None
    if lock_index is None and fate.effective is not None:
        effective = fate.effective
    where = _("entry %(i)s") % {"i": fate.index}
    if fate.ended_at is not None:
        where = _("entries %(i)s and %(j)s") % {"i": fate.index, "j": fate.ended_at}
    problems = [
        _column(row, "state", row.state, fate.state, where),
        _column(
            row,
            "supersedes",
            row.supersedes.public_id if row.supersedes else None,
            fate.supersedes,
            _("entry %(i)s") % {"i": fate.index},
        ),
        _column(
            row,
            "locked_at",
            _time(row.locked_at),
            _time(effective),
            _lock_place(lock_index),
        ),
    ]
    if lock_index is not None:
        problems.append(_lock_order(row, fate, lock_index))
    return [p for p in problems if p]


def _column(row, column: str, in_row, by_log, where: str) -> str:
    if in_row == by_log:
        return ""
    return _(
        "submission %(id)s, column %(column)s: %(row)s in the row, %(log)s "
        "by the ledger (%(where)s)"
    ) % {
        "id": row.public_id,
        "column": column,
        "row": _shown(in_row),
        "log": _shown(by_log),
        "where": where,
    }


def _lock_order(row: Submission, fate: _Fate, lock_index: int) -> str:
    """A lock covers what was current when it was appended, and nothing after."""
    if fate.index < lock_index and fate.ended_at is None:
        return ""
    return _(
        "submission %(id)s, column lock: the lock of entry %(lock)s covers it, but "
        "the ledger did not have it current then (entries %(entries)s)"
    ) % {
        "id": row.public_id,
        "lock": lock_index,
        "entries": ", ".join(
            str(i) for i in (fate.index, fate.ended_at) if i is not None
        ),
    }


def _lock_place(lock_index: int | None) -> str:
    if lock_index is None:
        return _("no lock entry covers it")
    return _("lock entry %(i)s") % {"i": lock_index}


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _shown(value) -> str:
    return _("(empty)") if value is None else repr(value)
