"""Installations on loopback for the exchange's tests: two departments and the
national repository, each a separate process with its own SQLite database and data
directory, driven through ``manage.py`` as an operator would.

Setup (once per test module): one database is migrated and copied to the three;
the departments seed a tiny province each and lock last year's first classes
(``hocbaso exchange prepare-demo``); each registers the others' keys.
"""

from __future__ import annotations

import json
import os
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


@dataclass
class Instance:
    name: str
    code: str
    role: str
    root: Path
    port: int = field(default_factory=free_port)
    server: subprocess.Popen | None = None
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

    def manage(self, *args: str, check: bool = True, timeout: float = 300):
        done = subprocess.run(
            [*MANAGE, *args],
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{self.name}: manage.py {' '.join(args)} exited {done.returncode}\n"
                f"{done.stdout}\n{done.stderr}"
            )
        return done

    def start(self) -> None:
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
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/api/v1/exchange/keys", timeout=2)
                return
            except requests.RequestException:
                if self.server.poll() is not None:
                    raise AssertionError(f"{self.name} did not start") from None
                time.sleep(0.3)
        raise AssertionError(f"{self.name} did not answer in time")

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

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
            instance.stop()


def _wait(processes: dict[str, subprocess.Popen]) -> dict[str, str]:
    out = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=600)
        if process.returncode != 0:
            raise AssertionError(f"{name} failed:\n{stdout}\n{stderr}")
        out[name] = stdout
    return out


def build_network(root: Path) -> Network:
    national = Instance("national", "national", "national", root / "national")
    north = Instance("north", "01", "department", root / "north")
    south = Instance("south", "79", "department", root / "south")
    template = Instance("template", "", "department", root / "template")
    for instance in (template, national, north, south):
        instance.root.mkdir(parents=True)
    template.manage("migrate", "-v0")
    for instance in (national, north, south):
        shutil.copyfile(template.database, instance.database)
    keys = _wait(
        {
            "north": north.popen(
                "exchange",
                "--skip-checks",
                "prepare-demo",
                "--code",
                "01",
                "--province",
                "Thành phố Hà Nội",
                "--seed",
                "3",
            ),
            "south": south.popen(
                "exchange",
                "--skip-checks",
                "prepare-demo",
                "--code",
                "79",
                "--province",
                "Thành phố Hồ Chí Minh",
                "--seed",
                "4",
            ),
            "national": national.popen(
                "exchange", "--skip-checks", "init", "--code", "national"
            ),
        }
    )
    for instance in (national, north, south):
        instance.keys = json.loads(keys[instance.name].strip().splitlines()[-1])
    _register(national, [north, south])
    _register(north, [national, south])
    _register(south, [national, north])
    _wait(
        {
            i.name: i.popen(
                "exchange",
                "--skip-checks",
                "trust",
                "--file",
                str(i.root / "peers.json"),
            )
            for i in (national, north, south)
        }
    )
    for instance in (national, north, south):
        instance.start()
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
