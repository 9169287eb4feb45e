"""PostgreSQL: pg_dump and pg_restore, the database's own tools.

The backup opens a REPEATABLE READ transaction, reads the ledger's state in it and
exports its snapshot, which ``pg_dump --snapshot`` dumps: the manifest describes
exactly the dump. The restore runs ``pg_restore --clean --if-exists
--single-transaction --exit-on-error``: the configured database is restored whole
or, on any error, left as it was. The password goes through the environment
(PGPASSWORD), never the command line that other users can list.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from hocbaso.operations.errors import DatabaseToolError, RestoredLedgerError
from hocbaso.operations.ledger_facts import ledger_state

VENDOR = "postgresql"


def dump(dest: Path) -> dict:
    """pg_dump --format=custom to ``dest`` (mode 0600); the ledger state it holds."""
    os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        state = ledger_state(cursor)
        _run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dest}")
    return state


def restore(dump_file: Path, verify: Callable[[], None]) -> None:
    """Restore the dump into the configured database in one transaction, then
    ``verify`` it (a failure is reported; the restore has committed)."""
    _run("pg_restore", "--list", str(dump_file), database=False)
    connection.close()  # hold no lock the restore's DROP would wait for
    _run(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        str(dump_file),
    )
    try:
        verify()
    except RestoredLedgerError as exc:
        exc.committed = True
        raise


def tool(name: str) -> str:
    """The newest installed PostgreSQL's tool (as scripts/with-postgres finds
    them), else the one on PATH: pg_dump must not be older than the server."""
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: (
            int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0
        ),
    )
    path = str(found[-1]) if found else shutil.which(name)
    if not path:
        raise DatabaseToolError(
            _("%(tool)s is not installed (the PostgreSQL client tools).")
            % {"tool": name}
        )
    return path


def _environment() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    values = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in values.items() if v})
    return env


def _run(name: str, *args: str, database: bool = True) -> None:
    command = [tool(name), *args]
    if database:
        command.append(f"--dbname={connection.settings_dict['NAME']}")
    # fixed tools and arguments, no shell
    done = subprocess.run(
        command, env=_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise DatabaseToolError(
            _("%(tool)s failed: %(error)s")
            % {"tool": name, "error": done.stderr.strip()[-2000:]}
        )
