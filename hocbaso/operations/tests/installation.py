"""An installation of its own for the backup tests: a data directory and a
database (a SQLite file in it, or a new PostgreSQL database on the test cluster),
driven through ``manage.py`` in processes of their own, as an operator drives it
(forks of one warm interpreter: forkserver.py).

The registry's test database cannot be used: a restore replaces a whole database
(a file renamed into place, or pg_restore's DROP and CREATE), which the test run's
open transactions would not survive.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Installation:
    root: Path
    database_url: str | None = None  # None: $root/hocbaso.sqlite3

    def env(self) -> dict[str, str]:
        drop = {"DATABASE_URL", "HOCBASO_TRUST_STORE", "HOCBASO_LEDGER_KEY"}
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(
            HOCBASO_DATA_DIR=str(self.root),
            DJANGO_SETTINGS_MODULE="hocbaso.settings",
            HOCBASO_LOG_LEVEL="WARNING",
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """``python ARGS`` in a new process; --skip-checks spares each command
        Django's system checks (they import every view), which test nothing here."""
        done = _launch(list(args), self.env())
        if check and done.returncode != 0:
            raise AssertionError(f"{args} exited {done.returncode}\n{done.stderr}")
        return done

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("manage.py", *args, "--skip-checks", check=check)

    def populate(self, step: str) -> None:
        self.run("-m", "hocbaso.operations.tests.populate", step)

    @property
    def database(self) -> Path:
        return self.root / "hocbaso.sqlite3"

    @property
    def ledger_key(self) -> Path:
        return self.root / "ledger" / "ledger.key"


_server: subprocess.Popen | None = None


def _forkserver() -> subprocess.Popen:
    """The warm interpreter, started once per test process: with no Django
    settings module (each child is given its installation's) and writing
    bytecode caches, so that the modules children import are compiled once."""
    global _server
    if _server is None or _server.poll() is not None:
        drop = {"DJANGO_SETTINGS_MODULE", "PYTHONDONTWRITEBYTECODE", "DATABASE_URL"}
        _server = subprocess.Popen(  # the test's own interpreter and module
            [sys.executable, "-m", "hocbaso.operations.tests.forkserver"],
            env={k: v for k, v in os.environ.items() if k not in drop},
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        atexit.register(_server.communicate)  # end of input: the server exits
    return _server


def _launch(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    server = _forkserver()
    with tempfile.TemporaryDirectory(prefix="hocbaso-run.") as work:
        out, err = os.path.join(work, "stdout"), os.path.join(work, "stderr")
        for path in (out, err):
            open(path, "x").close()
        request = {"argv": argv, "env": env, "cwd": str(ROOT), "timeout": 600}
        server.stdin.write(json.dumps({**request, "stdout": out, "stderr": err}))
        server.stdin.write("\n")
        server.stdin.flush()
        reply = server.stdout.readline()
        if not reply:
            raise AssertionError(f"the fork server ended (exit {server.wait()})")
        with open(out) as stdout, open(err) as stderr:  # as subprocess's text=True
            return subprocess.CompletedProcess(
                argv, json.loads(reply)["returncode"], stdout.read(), stderr.read()
            )


class Databases:
    """Where the installations' databases live: SQLite files, or databases of the
    test run's PostgreSQL cluster (created here, dropped at the end)."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.created: list[str] = []

    def new(self, root: Path, template: Installation | None = None) -> Installation:
        if template is not None:
            shutil.copytree(template.root, root)
        else:
            root.mkdir(parents=True)
        if self.vendor == "sqlite":
            return Installation(root)
        name = f"ops_{uuid.uuid4().hex[:12]}"
        source = _name(template.database_url) if template else None
        self._sql(
            f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{source}"' if source else "")
        )
        self.created.append(name)
        return Installation(root, _with_name(os.environ["DATABASE_URL"], name))

    def drop_all(self) -> None:
        for name in self.created:
            self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @staticmethod
    def _sql(statement: str) -> None:
        import psycopg

        url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(statement)


def _name(url: str | None) -> str | None:
    return urlsplit(url).path.lstrip("/") if url else None


def _with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))
