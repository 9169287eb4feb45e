"""``ledger verify`` compares each submission's legal state with the log.

An attacker with the database drops the triggers of migration 0002 and the check
constraint, changes a row, and leaves the ledger as it was: every such change must be
reported, naming the submission, the column, the value in the row and the value the
log's entries imply. On SQLite and on PostgreSQL.
"""

import datetime as dt
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from hocbaso.records.models import Round
from hocbaso.registry import actions, entries
from hocbaso.registry.models import LedgerEntry, Submission
from hocbaso.registry.tests.helpers import submit
from hocbaso.registry.tests.test_ledger import (  # noqa: F401 (the fixture)
    _disable_trigger,
    busy_ledger,
)


def _tamper(sql: str, params) -> None:
    """Change a submission row past the application, the database's guards off."""
    if connection.vendor == "postgresql":  # ALTER TABLE waits for no deferred check
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _disable_trigger("registry_submission", "update")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE registry_submission DROP CONSTRAINT "
                "registry_only_current_submissions_lock"
            )
        else:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        cursor.execute(sql, params)
        if connection.vendor != "postgresql":
            cursor.execute("PRAGMA ignore_check_constraints = OFF")


@pytest.fixture
def locked(busy_ledger):  # noqa: F811
    """A submission the lock of the busy ledger covers."""
    return Submission.objects.get(record=busy_ledger[0], state="accepted")


def _problems() -> tuple[str, ...]:
    report = actions.verify_ledger()
    assert not report.ok
    return report.problems


def test_a_locked_submission_set_to_revoked_keeping_its_lock_is_reported(locked):
    _tamper(
        "UPDATE registry_submission SET state = 'revoked' WHERE id = %s", [locked.pk]
    )

    (problem,) = _problems()

    assert locked.public_id in problem
    assert "state" in problem and "'revoked'" in problem and "'accepted'" in problem
    assert f"entry {locked.ledger_index}" in problem


def test_an_erased_effective_date_is_reported(locked):
    _tamper(
        "UPDATE registry_submission SET locked_at = NULL WHERE id = %s", [locked.pk]
    )

    (problem,) = _problems()

    assert locked.public_id in problem and "locked_at" in problem
    assert locked.lock.ledger_index is not None
    assert f"lock entry {locked.lock.ledger_index}" in problem
    assert locked.locked_at.isoformat() in problem


def test_a_moved_effective_date_is_reported(locked):
    moved = locked.locked_at + dt.timedelta(days=1)
    _tamper(
        "UPDATE registry_submission SET locked_at = %s WHERE id = %s",
        [moved, locked.pk],
    )

    (problem,) = _problems()

    assert locked.public_id in problem and "locked_at" in problem
    assert moved.isoformat() in problem and locked.locked_at.isoformat() in problem


def test_a_revoked_submission_given_back_an_effective_date_is_reported(busy_ledger):  # noqa: F811
    revoked = Submission.objects.get(record=busy_ledger[1])
    _tamper(
        "UPDATE registry_submission SET locked_at = %s WHERE id = %s",
        [revoked.withdrawn_at, revoked.pk],
    )

    (problem,) = _problems()

    assert revoked.public_id in problem and "no lock entry covers it" in problem


def test_a_superseded_submission_marked_revoked_is_reported(busy_ledger):  # noqa: F811
    replaced = Submission.objects.get(record=busy_ledger[0], state="superseded")
    _tamper(
        "UPDATE registry_submission SET state = 'revoked' WHERE id = %s",
        [replaced.pk],
    )

    (problem,) = _problems()

    assert replaced.public_id in problem and "'superseded'" in problem


def test_the_command_lists_every_disagreement(busy_ledger, locked, capsys):  # noqa: F811
    revoked = Submission.objects.get(record=busy_ledger[1])
    _tamper(
        "UPDATE registry_submission SET locked_at = NULL WHERE id = %s", [locked.pk]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_submission SET state = 'accepted' WHERE id = %s",
            [revoked.pk],
        )

    with pytest.raises(CommandError) as caught:
        call_command("ledger", "verify")

    said = str(caught.value) + capsys.readouterr().err
    assert locked.public_id in said and revoked.public_id in said


def test_a_changed_revocation_reason_is_reported(busy_ledger):  # noqa: F811
    revoked = Submission.objects.get(record=busy_ledger[1])
    _tamper(
        "UPDATE registry_submission SET withdraw_reason = %s WHERE id = %s",
        ["Học sinh chuyển trường", revoked.pk],
    )

    report = actions.verify_ledger()

    assert not report.ok and report.index == revoked.withdraw_ledger_index
    assert revoked.public_id in report.problem and "reason" in report.problem


def test_the_revocation_entry_commits_to_the_reason_without_showing_it(busy_ledger):  # noqa: F811
    revoked = Submission.objects.get(record=busy_ledger[1])
    data = bytes(LedgerEntry.objects.get(index=revoked.withdraw_ledger_index).data)
    entry = json.loads(data)
    assert entry["v"] == 2 and len(bytes.fromhex(entry["note"])) == 32
    assert "Nộp nhầm".encode() not in data
    assert entry["note"] != hashlib.sha256("Nộp nhầm".encode()).hexdigest()


def test_a_revocation_written_before_reasons_were_committed_still_verifies(
    district, db, clock, primary_clerk, monkeypatch
):
    def without_reason(**fields):
        fields.pop("reason")
        return entries.revocation_entry(**fields)

    monkeypatch.setattr("hocbaso.registry.revoking.revocation_entry", without_reason)
    record = district.records(district.primary, Round.MAIN)[0]
    view = submit(district, record, primary_clerk, clock)
    actions.revoke(
        view.records[0].submission_id,
        school=record.school,
        actor=primary_clerk,
        reason="Nộp nhầm",
        clock=clock,
    )
    index = Submission.objects.get(record=record).withdraw_ledger_index
    assert json.loads(bytes(LedgerEntry.objects.get(index=index).data))["v"] == 1

    assert actions.verify_ledger().ok


def test_the_disagreement_reads_in_vietnamese(locked):
    _tamper(
        "UPDATE registry_submission SET state = 'revoked' WHERE id = %s", [locked.pk]
    )

    with translation.override("vi"):
        (problem,) = _problems()

    assert problem.startswith(f"bản nộp {locked.public_id}, cột state: ")
    assert "trong dữ liệu là 'revoked', theo sổ cái là 'accepted'" in problem


def test_a_submission_taken_out_of_its_lock_is_reported_with_the_lock(locked):
    _tamper(
        "UPDATE registry_submission SET lock_id = NULL, locked_at = NULL WHERE id = %s",
        [locked.pk],
    )

    report = actions.verify_ledger()

    assert not report.ok and report.index == locked.lock.ledger_index
    assert locked.lock.lock.public_id in report.problem


def test_a_moved_lock_time_of_the_lock_act_is_reported(locked):
    act = locked.lock.lock
    moved = act.locked_at - dt.timedelta(days=3)
    if connection.vendor == "postgresql":  # ALTER TABLE waits for no deferred check
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _disable_trigger("registry_roundlock", "update")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_roundlock SET locked_at = %s, locked_count = 99 "
            "WHERE id = %s",
            [moved, act.pk],
        )

    (problem,) = _problems()

    assert act.public_id in problem and "locked_at" in problem
    assert moved.isoformat() in problem
