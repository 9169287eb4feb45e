"""``ledger verify`` compares each submission's legal state with the log.

An attacker with the database drops the triggers of migration 0002 and the check
constraint, changes a row, and leaves the ledger as it was: every such change must be
reported, naming the submission, the column, the value in the row and the value the
log's entries imply. On SQLite and on PostgreSQL.
"""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hocbaso.registry import actions
from hocbaso.registry.models import Submission
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
