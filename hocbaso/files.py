"""Files that hold pupils' data (the SQLite database, exported packets, soft copies,
templates of a class): readable by their owner only.

A plain ``write_bytes`` creates a file with 0666 less the umask, 0644 on most
systems, so anyone with a login on the server could read it. These helpers open
with 0600 and let the umask narrow it further, never widen it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE = 0o600


def write_private(path: Path | str, data: bytes) -> None:
    """Write data to path, mode 0600, through a temporary file renamed into place,
    so a failed write leaves nothing half-written and an older file is replaced
    whole (its mode with it)."""
    with _written_beside(Path(path), data) as temp:
        os.replace(temp, path)


def write_private_once(path: Path | str, data: bytes) -> bool:
    """Write data to path, mode 0600, unless path exists; whether it was written.
    The data is written whole to a temporary file, then linked into place, which
    fails if another process got there first: processes starting at once all
    read the one file kept first, and none ever reads it half written."""
    with _written_beside(Path(path), data) as temp:
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
    return True


@contextmanager
def _written_beside(path: Path, data: bytes) -> Iterator[str]:
    """A temporary file (mode 0600) beside path holding data, gone afterwards
    unless it was renamed into place."""
    fd, temp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part"
    )
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        yield temp
    finally:
        Path(temp).unlink(missing_ok=True)


def keep_private(path: Path | str) -> None:
    """Create path empty with mode 0600 if it does not exist; take group and other
    permissions off it if it does. For a SQLite database before its first
    connection: SQLite gives the WAL and shared-memory files the database file's
    mode, so they follow."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)
    else:
        os.close(fd)


def keep_sqlite_private(path: Path | str) -> None:
    """keep_private for a SQLite database and the WAL, shared-memory and journal
    files an earlier run left beside it."""
    keep_private(path)
    for suffix in ("-wal", "-shm", "-journal"):
        sibling = Path(f"{path}{suffix}")
        if sibling.exists():
            keep_private(sibling)
