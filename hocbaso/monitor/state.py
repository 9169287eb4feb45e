"""What a monitor keeps between runs: one SQLite file in its state directory.

- ``checkpoints``: every signed checkpoint seen, by size (two of one size with
  different roots are a fork, whenever the second one shows up);
- ``head``: the size verified up to and its compact range (the peaks);
- ``submissions`` and ``locked``: what the rules need of earlier entries.
Each run commits once, at its end, so a run that stops half way changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from hocbaso.ledger import CompactRange
from hocbaso.monitor.rules import RuleBook, Submitted

_SCHEMA = """
create table if not exists checkpoints (size integer primary key, root blob, note text);
create table if not exists head (id integer primary key check (id = 1), size integer,
    peaks text, origin text, key text);
create table if not exists submissions (id text primary key, idx integer,
    subject text, digest text, time text);
create table if not exists locked (id text primary key);
"""


class MonitorState:
    """The state directory's database, opened for one run."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.directory = directory
        self._db = sqlite3.connect(directory / "monitor.sqlite3")
        self._db.executescript(_SCHEMA)

    def pinned(self) -> tuple[str, str] | None:
        """The origin and key this state directory follows, if any yet."""
        row = self._db.execute("select origin, key from head").fetchone()
        return None if row is None else (row[0], row[1])

    def compact_range(self) -> CompactRange:
        row = self._db.execute("select size, peaks from head").fetchone()
        if row is None:
            return CompactRange()
        return CompactRange(row[0], [bytes.fromhex(h) for h in json.loads(row[1])])

    def checkpoint(self, size: int) -> tuple[bytes, str] | None:
        """The root and note of a checkpoint of ``size`` seen before."""
        row = self._db.execute(
            "select root, note from checkpoints where size = ?", (size,)
        ).fetchone()
        return None if row is None else (bytes(row[0]), row[1])

    def largest_checkpoint(self) -> tuple[int, bytes, str] | None:
        row = self._db.execute(
            "select size, root, note from checkpoints order by size desc limit 1"
        ).fetchone()
        return None if row is None else (row[0], bytes(row[1]), row[2])

    def rule_book(self) -> RuleBook:
        rows = self._db.execute(
            "select id, idx, subject, digest, time from submissions"
        )
        submissions = {r[0]: Submitted(*r[1:]) for r in rows}
        locked = {r[0] for r in self._db.execute("select id from locked")}
        return RuleBook(submissions, locked)

    def save(
        self,
        origin: str,
        key: str,
        compact: CompactRange,
        book: RuleBook,
        note: str,
        since: int,
    ) -> None:
        """Store the run's outcome and the checkpoint it verified, in one commit."""
        from hocbaso.ledger import Checkpoint

        checkpoint = Checkpoint.from_text(note.split("\n\n")[0] + "\n")
        with self._db:
            self.remember(checkpoint.size, checkpoint.root_hash, note)
            peaks = json.dumps([h.hex() for h in compact.hashes])
            self._db.execute(
                "insert or replace into head values (1, ?, ?, ?, ?)",
                (compact.size, peaks, origin, key),
            )
            self._db.executemany(
                "insert or replace into submissions values (?, ?, ?, ?, ?)",
                [
                    (sid, s.index, s.subject, s.digest, s.time)
                    for sid, s in book.submissions.items()
                    if s.index >= since
                ],
            )
            self._db.executemany(
                "insert or ignore into locked values (?)", [(s,) for s in book.locked]
            )

    def remember(self, size: int, root: bytes, note: str) -> None:
        self._db.execute(
            "insert or ignore into checkpoints values (?, ?, ?)", (size, root, note)
        )

    def close(self) -> None:
        self._db.close()
