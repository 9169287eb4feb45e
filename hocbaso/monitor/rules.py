"""The rules a registry's log must keep, checked entry by entry (docs/ledger.md).

What the entries let anyone check:
- a ``round:lock`` covers exactly the submissions its published list names: the
  list's SHA-256 is the lock's digest, every listed submission is an earlier
  ``record:submit``/``record:replace`` entry with that id and packet hash, and the
  lock is not dated before any of them;
- nothing changes a locked record: no ``record:revoke`` of a locked submission, no
  ``record:replace`` superseding a locked packet of the same record.
The deadline itself is not in the log (a round's dates are settings of the school
year's calendar, and a school may lock early), so it is not checked here.

Problems are returned as stable codes with parameters; the command line words them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from hocbaso.ledger import Entry, Event

Coverage = Callable[[int], list[tuple[str, str]]]
"""(submission id, packet SHA-256 hex) listed for the lock at an entry index."""


@dataclass(frozen=True)
class Problem:
    code: str
    index: int
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Submitted:
    index: int
    subject: str
    digest: str
    time: str


def stamp(entry: Entry) -> str:
    """The entry's time in UTC, fixed width, so that strings compare as times."""
    return entry.time.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class RuleBook:
    """What the rules need to remember of earlier entries (kept by the state)."""

    def __init__(self, submissions: dict[str, Submitted], locked: set[str]) -> None:
        self.submissions = submissions
        self.locked = locked
        self._locked_packets = {
            (submissions[sid].subject, submissions[sid].digest): sid
            for sid in locked
            if sid in submissions
        }

    def check(self, index: int, entry: Entry, coverage: Coverage) -> list[Problem]:
        """The problems entry ``index`` shows; remembers what later ones need."""
        if entry.event is Event.ROUND_LOCK:
            return self._lock(index, entry, coverage)
        if entry.event is Event.RECORD_REVOKE and entry.reference in self.locked:
            return [Problem("REVOKED_AFTER_LOCK", index, {"id": entry.reference})]
        if entry.event in (Event.RECORD_SUBMIT, Event.RECORD_REPLACE):
            return self._submission(index, entry)
        return []

    def _submission(self, index: int, entry: Entry) -> list[Problem]:
        problems = []
        if entry.previous is not None:
            sid = self._locked_packets.get((entry.subject, entry.previous.hex()))
            if sid is not None:
                problems.append(Problem("REPLACED_AFTER_LOCK", index, {"id": sid}))
        digest = entry.digest.hex() if entry.digest else ""
        self.submissions[entry.reference] = Submitted(
            index, entry.subject, digest, stamp(entry)
        )
        return problems

    def _lock(self, index: int, entry: Entry, coverage: Coverage) -> list[Problem]:
        listed = coverage(index)
        listing = "".join(f"{sid} {sha}\n" for sid, sha in sorted(listed)).encode()
        if entry.digest is None or hashlib.sha256(listing).digest() != entry.digest:
            return [Problem("LOCK_LIST_MISMATCH", index, {"lock": entry.reference})]
        problems = []
        for sid, sha in listed:
            known = self.submissions.get(sid)
            if known is None or known.index > index or known.digest != sha:
                problems.append(Problem("LOCK_COVERS_UNKNOWN", index, {"id": sid}))
                continue
            if known.time > stamp(entry):
                problems.append(Problem("LOCK_BEFORE_SUBMISSION", index, {"id": sid}))
            self.locked.add(sid)
            self._locked_packets[(known.subject, known.digest)] = sid
        return problems
