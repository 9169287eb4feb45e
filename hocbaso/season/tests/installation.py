"""An installation on a file SQLite database for the tests that run real workers.

    python -m hocbaso.season.tests.installation setup        # prints JSON
    python -m hocbaso.season.tests.installation send-alone
    python -m hocbaso.season.tests.installation enqueue-lock

``setup`` migrates, builds the registry tests' signed district (a tiny seeded
district with a few records of last year signed, its PKI under the data directory),
gives the primary class's main-round records to the registry as one class package
(received, not answered) and enqueues its answer. ``send-alone`` sends the other
classes' main-round records one packet at a time (one task answers them).
``enqueue-lock`` schedules the
main round's lock at its deadline, which has passed, so that a worker runs it at
once. The environment (``Installation.env``) names the data directory, the
database backend of the engine and the pause directory of ``faults.pause_point``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import select
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MANAGE = [sys.executable, str(ROOT / "manage.py")]
LEASE_SECONDS = 2


@dataclass
class Installation:
    root: Path

    @property
    def pause(self) -> Path:
        return self.root / "pause"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            HOCBASO_DATA_DIR=str(self.root),
            HOCBASO_TRUST_STORE=str(self.root / "pki" / "trust"),
            HOCBASO_TASKS_BACKEND="database",
            HOCBASO_WORKER_LEASE_SECONDS=str(LEASE_SECONDS),
            HOCBASO_PAUSE_DIR=str(self.pause),
            HOCBASO_LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="hocbaso.settings",
        )
        env.pop("HOCBASO_LEDGER_KEY", None)
        return env

    def step(self, name: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "hocbaso.season.tests.installation", name],
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*MANAGE, *args],
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def worker(self) -> subprocess.Popen:
        """A worker as production runs it (``hocbaso worker``), polling often."""
        command = [*MANAGE, "worker", "--interval", "0.1", "--no-startup-delay"]
        return subprocess.Popen(
            [*command, "--no-reload"],
            env=self.env(),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def query(self, sql: str, *params) -> list[tuple]:
        database = self.root / "hocbaso.sqlite3"
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def wait(self, condition, worker: subprocess.Popen, timeout: float = 120):
        """Until ``condition()`` holds; fails with the worker's errors if it died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if worker.poll() is not None:
                raise AssertionError(f"the worker exited: {_errors(worker)}")
            time.sleep(0.1)
        raise AssertionError(f"not reached in {timeout} s")


def _errors(worker: subprocess.Popen) -> str:
    ready, _, _ = select.select([worker.stderr], [], [], 0)
    return worker.stderr.read() if ready else ""


def _setup() -> dict:
    from django.core.management import call_command
    from django.test import override_settings

    from hocbaso.records.models import Round
    from hocbaso.registry import actions
    from hocbaso.registry.actors import Actor
    from hocbaso.registry.clock import fixed_clock
    from hocbaso.registry.package import build_package
    from hocbaso.registry.tests.district import build
    from hocbaso.season.tasks import answer_later

    call_command("migrate", verbosity=0)
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(PASSWORD_HASHERS=fast):
        district = build(Path(os.environ["HOCBASO_DATA_DIR"]), primary_main=6)
    records = district.records(district.primary, Round.MAIN)
    school = district.primary.school
    package = build_package(
        [district.packet(r) for r in records],
        school_code=school.code,
        school_year=district.year.name,
        class_name=district.primary.name,
    )
    receipt = actions.submit(
        package,
        school=school,
        actor=Actor.of_user(district.user(school)),
        clock=fixed_clock(district.open_at),
        process=False,
    )
    assert answer_later(receipt).status == "received"
    return {"receipt": receipt.receipt_id, "records": len(records)}


def _send_alone() -> dict:
    """The other classes' main-round records, each packet sent alone (received,
    not answered): one task waits to answer them."""
    from hocbaso.records.models import RecordStatus, Round, YearlyRecord
    from hocbaso.registry import actions
    from hocbaso.registry.actors import Actor
    from hocbaso.registry.clock import fixed_clock
    from hocbaso.registry.models import Submission
    from hocbaso.registry.tests.district import _last_year
    from hocbaso.season.tasks import answer_later

    year = _last_year()
    at = fixed_clock(year.deadline("main_lock_date") - dt.timedelta(days=10))
    records = (
        YearlyRecord.objects.filter(
            school_year=year, round=Round.MAIN, status=RecordStatus.ISSUED
        )
        .exclude(pk__in=Submission.objects.values("record_id"))
        .select_related("school", "packet")
        .order_by("pk")
    )
    receipts = [
        answer_later(
            actions.submit(
                bytes(r.packet.data),
                school=r.school,
                actor=Actor.of_school_token(r.school, "test"),
                clock=at,
                process=False,
            )
        ).receipt_id
        for r in records
    ]
    return {"receipts": receipts}


def _enqueue_lock() -> dict:
    from hocbaso.records.models import Round
    from hocbaso.registry.rounds import lock_deadline
    from hocbaso.registry.tests.district import _last_year
    from hocbaso.season import tasks
    from hocbaso.season.models import DeadlineSchedule

    year = _last_year()
    deadline = lock_deadline(year, Round.MAIN)
    DeadlineSchedule.objects.create(
        school_year=year, round=Round.MAIN, kind="lock", run_at=deadline
    )
    task = tasks.lock_at_deadline.using(run_after=deadline)
    result = task.enqueue(year.pk, Round.MAIN.value, 0, deadline.isoformat())
    return {"task": str(result.id)}


if __name__ == "__main__":
    import django

    django.setup()
    steps = {"setup": _setup, "send-alone": _send_alone, "enqueue-lock": _enqueue_lock}
    print(json.dumps(steps[sys.argv[1]]()))
