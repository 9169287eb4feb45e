"""What a backup records of the ledger, and what a restore compares it with.

``ledger_state`` reads the ledger's size and latest signed checkpoint through a
plain DB-API cursor, so the backup reads them from the very snapshot it dumps (the
SQLite copy itself, or PostgreSQL's exported snapshot), never from a live database
that may have moved on since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hocbaso.ledger import Ed25519NoteSigner, KeyFormatError
from hocbaso.registry.models import LedgerCheckpoint, LedgerEntry, LedgerHead


def ledger_state(cursor) -> dict:
    """Size, root (hex), latest checkpoint and its time, of the database the cursor
    reads; size 0 and nulls if the ledger is empty."""
    # Table names come from the models, never from input.
    head, entries = LedgerHead._meta.db_table, LedgerEntry._meta.db_table
    cursor.execute(f"SELECT size FROM {head} WHERE id = 1")  # noqa: S608
    row = cursor.fetchone()
    if row is None:
        cursor.execute(f"SELECT COUNT(*) FROM {entries}")  # noqa: S608
        row = cursor.fetchone()
    table = LedgerCheckpoint._meta.db_table
    cursor.execute(
        f"SELECT size, root, note, created_at FROM {table}"  # noqa: S608
        " ORDER BY size DESC LIMIT 1"
    )
    latest = cursor.fetchone()
    state = {"size": int(row[0]), "root": None, "checkpoint": None, "at": None}
    if latest is not None:
        state["root"] = bytes(latest[1]).hex()
        state["checkpoint"] = str(latest[2])
        state["at"] = to_utc(latest[3]).isoformat()
    return state


def to_utc(value) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite gives text, naive UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def key_file_verifier(path: Path) -> bytes | None:
    """The public key of the ledger key file, or None if there is none; read
    directly, because the registry's own accessor generates a key when missing."""
    try:
        text = path.read_text(encoding="ascii").strip()
        return Ed25519NoteSigner.from_private_key_string(text).public_key
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, KeyFormatError):
        return b""


@dataclass(frozen=True)
class Published:
    """A checkpoint the registry published, from where the restore learnt of it."""

    size: int
    root: bytes
    at: dt.datetime
    source: str
