"""Real workers (``hocbaso worker`` processes) on a file SQLite database, killed
with SIGKILL inside the transaction of a class package and of a lock: after a new
worker takes the task back, nothing is lost, half written or duplicated, and
``hocbaso ledger verify`` passes."""

from __future__ import annotations

import os
import signal

import pytest

from hocbaso.season.tests.installation import Installation

pytestmark = pytest.mark.once

TASKS = "django_tasks_database_dbtaskresult"


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    found = Installation(tmp_path_factory.mktemp("season"))
    found.pause.mkdir()
    found.info = found.step("setup")
    return found


def _kill(worker) -> None:
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def _count(inst: Installation, table: str, where: str = "1=1") -> int:
    return inst.query(f"select count(*) from {table} where {where}")[0][0]  # noqa: S608


def _task(inst: Installation, name: str) -> tuple[str, str]:
    """The task of that name a worker took (the current year's deadlines wait)."""
    rows = inst.query(
        f"select status, worker_ids from {TASKS} "  # noqa: S608
        "where task_path like ? and worker_ids != '[]'",
        f"%.{name}",
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_a_worker_killed_mid_package_and_mid_lock_loses_and_repeats_nothing(
    installation,
):
    inst, records = installation, installation.info["records"]
    receipt = ("select status from registry_receipt where public_id = ?",)
    first = inst.worker()
    inst.wait(lambda: (inst.pause / "answer.reached").exists(), first)
    _kill(first)  # inside the package's transaction, its ledger entries written

    assert inst.query(*receipt, inst.info["receipt"]) == [("received",)]
    assert _count(inst, "registry_submission") == 0
    assert _count(inst, "registry_ledgerentry") == 0
    assert _task(inst, "answer_receipt")[0] == "RUNNING"
    (inst.pause / "answer.go").touch()
    second = inst.worker()  # gives the dead worker's task back once its lease ends
    answered = lambda: inst.query(*receipt, inst.info["receipt"]) == [("processed",)]  # noqa: E731
    inst.wait(answered, second)
    inst.wait(lambda: _task(inst, "answer_receipt")[0] == "SUCCESSFUL", second)

    assert _count(inst, "registry_submission") == records
    assert (
        inst.query("select count(distinct record_id) from registry_submission")[0][0]
        == records
    )
    assert _count(inst, "registry_ledgerentry") == records
    assert len(eval(_task(inst, "answer_receipt")[1])) == 2  # noqa: S307 - two workers
    inst.step("enqueue-lock")
    inst.wait(lambda: (inst.pause / "lock.reached").exists(), second)
    _kill(second)  # inside the lock's transaction

    assert _count(inst, "registry_schoolroundlock") == 0
    assert _count(inst, "registry_roundlock") == 0
    assert _count(inst, "season_missingatlock") == 0
    assert _count(inst, "registry_submission", "locked_at is not null") == 0
    (inst.pause / "lock.go").touch()
    third = inst.worker()
    try:
        done = lambda: _task(inst, "lock_at_deadline")[0] == "SUCCESSFUL"  # noqa: E731
        inst.wait(done, third)
    finally:
        third.terminate()
        third.wait(timeout=30)

    schools = _count(inst, "registry_schoolroundlock")
    assert schools > 0 and _count(inst, "registry_roundlock") == 1
    assert _count(inst, "season_missingatlock") == schools
    assert _count(inst, "registry_submission", "locked_at is not null") == records
    assert _count(inst, "registry_ledgerentry") == records + schools
    verified = inst.manage("ledger", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
