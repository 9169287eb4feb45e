"""The form's fields beside the results: kept by the lock, checked by the database.

Migration 0005 adds them; SQLite rebuilds the table for it, which would drop the
lock's triggers of migration 0004 if the migration did not create them again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from hocbaso.records.models import RecordStatus, YearlyRecord

LOCKED_AT = dt.datetime(2026, 6, 30, 16, 59, 59, tzinfo=dt.UTC)


def _execute(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("height_cm", 131.5),
        ("weight_kg", 28.0),
        ("absences_excused", 3),
        ("absences_unexcused", 1),
        ("disability_not_assessed", True),
        ("foreign_language", "Tiếng Pháp"),
        ("certificates", "Chứng chỉ tin học"),
        ("contests", "Giải Ba"),
        ("principal_promotion", True),
    ],
)
def test_raw_sql_cannot_change_a_new_column_of_a_locked_record(world, column, value):
    record = world.a.record
    YearlyRecord.objects.filter(pk=record.pk).update(
        status=RecordStatus.SUBMITTED, locked_at=LOCKED_AT
    )
    # The column comes from the parameters above, not from input.
    sql = f"UPDATE records_yearlyrecord SET {column} = %s WHERE id = %s"  # noqa: S608
    with pytest.raises(IntegrityError), transaction.atomic():
        _execute(sql, [value, record.pk])
    stored = YearlyRecord.objects.get(pk=record.pk)
    assert getattr(stored, column) in (None, "", False)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("height_cm", Decimal("-120.0")),
        ("height_cm", Decimal("0")),
        ("weight_kg", Decimal("-3.0")),
        ("weight_kg", Decimal("201.0")),
    ],
)
def test_the_database_refuses_an_impossible_height_or_weight(world, column, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyRecord.objects.filter(pk=world.a.record.pk).update(**{column: value})


def test_an_unlocked_record_takes_the_new_fields(world):
    YearlyRecord.objects.filter(pk=world.a.record.pk).update(
        height_cm=Decimal("131.5"), weight_kg=Decimal("28.0"), principal_promotion=False
    )
    stored = YearlyRecord.objects.get(pk=world.a.record.pk)
    assert (stored.height_cm, stored.principal_promotion) == (Decimal("131.5"), False)
