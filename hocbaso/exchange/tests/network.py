"""Installations on loopback for the exchange's tests: two departments and the
national repository, each a separate process with its own SQLite database and data
directory, driven through ``manage.py`` as an operator would.

Setup (once per test session, ``conftest.network``): one database is migrated and
copied to the three; the departments seed a tiny province each and lock last year's
first classes (``hocbaso exchange prepare-demo``); each registers the others' keys.

Each installation's commands run in one process that stays up (``runner.py``):
Django starts once per installation, not once per command. ``popen`` still starts
a separate ``manage.py`` where a test needs a process of its own (to kill it).
The servers start together; a server is ready when its port answers.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from hocbaso.demo.seed import current_school_year

ROOT = Path(__file__).resolve().parents[3]
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def last_school_year() -> str:
    import datetime as dt

    first = int(current_school_year(dt.date.today())[:4])
    return f"{first - 1}-{first}"


@dataclass(eq=False)
class Instance:
    name: str
    code: str
    role: str
    root: Path
    port: int = field(default_factory=free_port)
    server: subprocess.Popen | None = None
    runner: subprocess.Popen | None = None
    keys: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.root / "hocbaso.sqlite3"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            HOCBASO_DATA_DIR=str(self.root),
            HOCBASO_ROLE=self.role,
            DJANGO_SETTINGS_MODULE="hocbaso.settings",
            HOCBASO_LOG_LEVEL="WARNING",
        )
        env.pop("HOCBASO_TRUST_STORE", None)
        env.pop("HOCBASO_LEDGER_KEY", None)
        return env

    def popen(self, *args: str, **options) -> subprocess.Popen:
        return subprocess.Popen(
            [*MANAGE, *args],
            env=self.env(),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **options,
        )

    def submit(self, *args: str) -> None:
        """Start ``manage.py args`` in this installation's runner (see answer)."""
        if self.runner is None or self.runner.poll() is not None:
            self.runner = subprocess.Popen(
                [sys.executable, "-m", "hocbaso.exchange.tests.runner"],
                env=self.env(),
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        self.runner.stdin.write(json.dumps(list(args)) + "\n")
        self.runner.stdin.flush()
        self._pending = args

    def answer(self, *, check: bool = True, timeout: float = 300):
        """The answer to the command submitted last, as a completed process."""
        ready, _, _ = select.select([self.runner.stdout], [], [], timeout)
        line = self.runner.stdout.readline() if ready else ""
        if not line:
            self.runner.kill()
            raise AssertionError(f"{self.name}: {self._pending} gave no answer")
        found = json.loads(line)
        done = subprocess.CompletedProcess(
            ["manage.py", *self._pending], found["rc"], found["stdout"], found["stderr"]
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{self.name}: manage.py {' '.join(self._pending)} exited "
                f"{done.returncode}\n{done.stdout}\n{done.stderr}"
            )
        return done

    def manage(self, *args: str, check: bool = True, timeout: float = 300):
        self.submit(*args)
        return self.answer(check=check, timeout=timeout)

    def launch(self) -> None:
        """Start the server; ``ready`` waits until it answers."""
        log = open(self.root / "server.log", "a")
        self.server = subprocess.Popen(
            [
                *MANAGE,
                "runserver",
                "--noreload",
                "--skip-checks",
                f"127.0.0.1:{self.port}",
            ],
            env=self.env(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def ready(self, timeout: float = 120) -> None:
        """Wait until the server accepts connections (a blocking connect, retried
        only while the port is not bound yet)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/api/v1/exchange/keys", timeout=30)
                return
            except requests.RequestException:
                if self.server.poll() is not None:
                    raise AssertionError(f"{self.name} did not start") from None
                time.sleep(0.05)
        raise AssertionError(f"{self.name} did not answer in time")

    def start(self) -> None:
        self.launch()
        self.ready()

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    def close(self) -> None:
        self.stop()
        if self.runner is not None:
            self.runner.stdin.close()
            self.runner.wait(timeout=30)
            self.runner = None

    def query(self, sql: str, *params) -> list[tuple]:
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def exchange(self, *args: str, check: bool = True):
        """``manage.py exchange …`` (system checks skipped: the server ran them)."""
        return self.manage("exchange", "--skip-checks", *args, check=check)

    def status(self) -> list[dict]:
        """The outgoing batches as the ``exchange status`` command shows them."""
        return json.loads(self.exchange("status", "--json").stdout)

    def batches(self) -> list[dict]:
        """The outgoing batches read from the database (no process started)."""
        rows = self.query(
            "select batch_id, state, attempts, last_error, stored_count "
            "from exchange_outboundbatch order by created_at, sequence"
        )
        names = ("batch", "state", "attempts", "last_error", "stored")
        return [dict(zip(names, row, strict=True)) for row in rows]


@dataclass
class Network:
    national: Instance
    north: Instance
    south: Instance

    @property
    def departments(self) -> tuple[Instance, Instance]:
        return self.north, self.south

    def stop(self) -> None:
        for instance in (self.national, self.north, self.south):
            instance.close()


def _together(commands: dict[Instance, list[str]]) -> dict[str, str]:
    """Run one command in each installation's runner at the same time."""
    for instance, args in commands.items():
        instance.submit(*args)
    return {i.name: i.answer(timeout=600).stdout for i in commands}


def build_network(root: Path) -> Network:
    national = Instance("national", "national", "national", root / "national")
    north = Instance("north", "01", "department", root / "north")
    south = Instance("south", "79", "department", root / "south")
    for instance in (national, north, south):
        instance.root.mkdir(parents=True)
    national.manage("migrate", "-v0")
    for instance in (north, south):
        shutil.copyfile(national.database, instance.database)
    keys = _together(
        {
            north: [
                "exchange",
                "--skip-checks",
                "prepare-demo",
                "--code",
                "01",
                "--province",
                "Thành phố Hà Nội",
                "--seed",
                "3",
            ],
            south: [
                "exchange",
                "--skip-checks",
                "prepare-demo",
                "--code",
                "79",
                "--province",
                "Thành phố Hồ Chí Minh",
                "--seed",
                "4",
            ],
            national: ["exchange", "--skip-checks", "init", "--code", "national"],
        }
    )
    for instance in (national, north, south):
        instance.keys = json.loads(keys[instance.name].strip().splitlines()[-1])
    _register(national, [north, south])
    _register(north, [national, south])
    _register(south, [national, north])
    _together(
        {
            i: [
                "exchange",
                "--skip-checks",
                "trust",
                "--file",
                str(i.root / "peers.json"),
            ]
            for i in (national, north, south)
        }
    )
    for instance in (national, north, south):
        instance.launch()
    for instance in (national, north, south):
        instance.ready()
    return Network(national, north, south)


def _register(instance: Instance, peers: list[Instance]) -> None:
    entries = [
        {
            "code": p.code,
            "kind": p.role,
            "key": p.keys["exchange_key"],
            "ledger_key": p.keys["ledger_key"],
            "url": p.url,
            "ca": [str(f) for f in sorted((p.root / "pki" / "trust").glob("*"))],
        }
        for p in peers
    ]
    (instance.root / "peers.json").write_text(json.dumps(entries))
