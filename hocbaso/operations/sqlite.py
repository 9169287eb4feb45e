"""SQLite: the online backup API, and a restore into a file renamed into place.

The backup copies every page in one step of ``sqlite3.Connection.backup``, inside
one read transaction: a consistent copy while the site keeps writing (WAL mode lets
writers go on). The restore copies the dump next to the database, checks it
(``PRAGMA quick_check``), lets the caller verify it as the database, then renames
it over the old file: either the old database or the new one, never a mixture.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.db import connection
from django.utils.translation import gettext as _

from hocbaso.operations.errors import DatabaseToolError, RestoreRefusedError
from hocbaso.operations.ledger_facts import ledger_state

VENDOR = "sqlite"


def dump(dest: Path) -> dict:
    """Copy the database to ``dest`` (mode 0600); the ledger state of the copy."""
    connection.ensure_connection()
    os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    copy = sqlite3.connect(dest)
    try:
        connection.connection.backup(copy)
        # one file, no -wal beside it, whatever the source's mode
        copy.execute("PRAGMA journal_mode=DELETE")
        return ledger_state(copy.cursor())
    except sqlite3.Error as exc:
        raise DatabaseToolError(
            _("SQLite could not copy the database: %(error)s") % {"error": exc}
        ) from exc
    finally:
        copy.close()


def target() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise RestoreRefusedError(_("An in-memory database cannot be restored into."))
    return Path(name)


def restore(dump_file: Path, verify: Callable[[], None]) -> None:
    """Replace the database by the dump if ``verify`` passes on it; otherwise (or
    if anything fails) the database is left as it was."""
    path = target()
    fd, temp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part"
    )
    try:
        with os.fdopen(fd, "wb") as out, open(dump_file, "rb") as source:
            shutil.copyfileobj(source, out)
        _check(Path(temp))
        _verify_as_database(Path(temp), verify)
        _release(path)
        os.replace(temp, path)
    finally:
        _remove(Path(temp))


def _check(path: Path) -> None:
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True)
        # the CHECK constraints of Django's tables call REGEXP, which Django's
        # connections define; quick_check evaluates them
        db.create_function("REGEXP", 2, _regexp, deterministic=True)
        try:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error as exc:
        result = str(exc)
    if result != "ok":
        raise DatabaseToolError(
            _("The backup's database is damaged (SQLite says: %(error)s).")
            % {"error": result}
        )


def _regexp(pattern: str, value) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


def _verify_as_database(path: Path, verify: Callable[[], None]) -> None:
    """Run ``verify`` with Django's connection on the restored copy."""
    name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = str(path)
    try:
        verify()
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name


def _release(path: Path) -> None:
    """Fold the old database's WAL into it and leave no -wal beside it; refused
    while another process has it open (the site must be stopped)."""
    if not path.exists():
        return
    db = sqlite3.connect(path, timeout=1)
    try:
        mode = db.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.Error:
        mode = "busy"
    finally:
        db.close()
    if mode != "delete":
        raise RestoreRefusedError(
            _("%(path)s is in use by another process: stop the site, then restore.")
            % {"path": path}
        )


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
