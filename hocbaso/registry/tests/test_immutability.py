"""After the lock nothing changes, and the database itself refuses (R2, R11).

Raw SQL, past the application, on SQLite and on PostgreSQL alike: the triggers of
migration 0002 reject UPDATE and DELETE of locked submissions and of ledger rows.
"""

import pytest
from django.db import IntegrityError, connection, transaction

from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.models import (
    LedgerCheckpoint,
    LedgerEntry,
    LedgerNode,
    SchoolRoundLock,
    Submission,
)
from hocbaso.registry.tests.helpers import submit


@pytest.fixture
def locked(district, db, clock, primary_clerk, system):
    record = district.records(district.primary, Round.MAIN)[0]
    submit(district, record, primary_clerk, clock)
    actions.lock_round(
        district.year, "main", scope=record.school, actor=system, clock=clock
    )
    return Submission.objects.get(record=record)


def _refused(sql: str, params=()) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_raw_sql_cannot_update_a_locked_submission(locked):
    _refused(
        "UPDATE registry_submission SET state = 'revoked' WHERE id = %s", [locked.pk]
    )
    _refused(
        "UPDATE registry_submission SET locked_at = NULL WHERE id = %s", [locked.pk]
    )
    locked.refresh_from_db()
    assert locked.state == "accepted" and locked.locked_at is not None


def test_raw_sql_cannot_delete_a_submission(locked):
    _refused("DELETE FROM registry_submission WHERE id = %s", [locked.pk])
    assert Submission.objects.filter(pk=locked.pk).exists()


def test_the_orm_cannot_change_a_locked_submission_either(locked):
    locked.reason = "sửa sau khi khóa"
    with pytest.raises(IntegrityError), transaction.atomic():
        locked.save()


def test_an_open_submission_can_still_change_state(district, db, clock, primary_clerk):
    record = district.records(district.primary, Round.MAIN)[1]
    submit(district, record, primary_clerk, clock)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_submission SET reason = 'ok' WHERE record_id = %s",
            [record.pk],
        )
    assert Submission.objects.get(record=record).reason == "ok"


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("registry_ledgerentry", "data"),
        ("registry_ledgernode", "hash"),
        ("registry_ledgercheckpoint", "root"),
    ],
)
def test_raw_sql_cannot_update_or_delete_ledger_rows(locked, table, column):
    assert LedgerEntry.objects.exists() and LedgerNode.objects.exists()
    assert LedgerCheckpoint.objects.exists()
    _refused(f"UPDATE {table} SET {column} = %s", [b"\x00" * 32])  # noqa: S608
    _refused(f"DELETE FROM {table}")  # noqa: S608


def test_raw_sql_cannot_undo_a_lock_or_change_a_stored_packet(locked):
    lock = SchoolRoundLock.objects.get()
    _refused("DELETE FROM registry_schoolroundlock WHERE id = %s", [lock.pk])
    _refused("UPDATE registry_roundlock SET locked_at = NULL")
    _refused("UPDATE registry_blob SET data = %s", [b"<tampered/>"])
    _refused("DELETE FROM registry_auditevent")
