"""Real workers (``hocbaso worker`` processes) on a file SQLite database, killed
with SIGKILL inside the transaction of a class package, of a batch of packets sent
alone and of a lock: after a new worker takes the task back, nothing is lost, half
written or duplicated, and ``hocbaso ledger verify`` passes."""

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
    third, alone = _kill_mid_batch(inst, second, records)
    records += alone
    inst.step("enqueue-lock")
    inst.wait(lambda: (inst.pause / "lock.reached").exists(), third)
    _kill(third)  # inside the lock's transaction

    assert _count(inst, "registry_schoolroundlock") == 0
    assert _count(inst, "registry_roundlock") == 0
    assert _count(inst, "season_missingatlock") == 0
    assert _count(inst, "registry_submission", "locked_at is not null") == 0
    (inst.pause / "lock.go").touch()
    fourth = inst.worker()
    try:
        done = lambda: _task(inst, "lock_at_deadline")[0] == "SUCCESSFUL"  # noqa: E731
        inst.wait(done, fourth)
    finally:
        fourth.terminate()
        fourth.wait(timeout=30)

    schools = _count(inst, "registry_schoolroundlock")
    assert schools > 0 and _count(inst, "registry_roundlock") == 1
    assert _count(inst, "season_missingatlock") == schools
    assert _count(inst, "registry_submission", "locked_at is not null") == records
    assert _count(inst, "registry_ledgerentry") == records + schools
    verified = inst.manage("ledger", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def _kill_mid_batch(inst: Installation, worker, records: int):
    """Packets sent alone, their batch's worker killed inside its transaction: a
    new worker answers each once. The new worker, and how many were sent."""
    (inst.pause / "answer.go").unlink()
    (inst.pause / "answer.reached").unlink()
    receipts = inst.step("send-alone")["receipts"]
    inst.wait(lambda: (inst.pause / "answer.reached").exists(), worker)
    _kill(worker)  # inside the batch's transaction, its ledger entries written

    statuses = "select status, claimed_by from registry_receipt where public_id = ?"
    held = [inst.query(statuses, r)[0] for r in receipts]
    assert len(receipts) == 3 and {s for s, _ in held} == {"received"}
    assert len({claim for _, claim in held}) == 1  # one task holds them all
    assert _count(inst, "registry_submission") == records
    assert _count(inst, "registry_ledgerentry") == records
    assert _task(inst, "answer_packets")[0] == "RUNNING"
    (inst.pause / "answer.go").touch()
    following = inst.worker()  # gives the batch back once the lease ends
    inst.wait(lambda: _task(inst, "answer_packets")[0] == "SUCCESSFUL", following)

    answered = [inst.query(statuses, r)[0][0] for r in receipts]
    assert answered == ["processed"] * 3
    assert _count(inst, "registry_submission") == records + 3
    assert _count(inst, "registry_ledgerentry") == records + 3
    assert len(eval(_task(inst, "answer_packets")[1])) == 2  # noqa: S307 - two workers
    return following, len(receipts)
