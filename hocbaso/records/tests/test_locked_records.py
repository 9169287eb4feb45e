"""Nothing locked changes: the models refuse every path, the database the rest (R11).

A record is locked by the registry's lock, which sets ``locked_at`` with the same
UPDATE these tests use. Then its data, its subject rows, its transcript's student and
level and its student's identity never change; the family's details still may.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from hocbaso.records.errors import RecordLockedError
from hocbaso.records.models import (
    RecordStatus,
    Student,
    SubjectAssessment,
    Transcript,
    YearlyRecord,
)
from hocbaso.records.models.assessments import return_to_draft

LOCKED_AT = dt.datetime(2026, 6, 30, 16, 59, 59, tzinfo=dt.UTC)


def _lock(record: YearlyRecord) -> YearlyRecord:
    YearlyRecord.objects.filter(pk=record.pk).update(
        status=RecordStatus.SUBMITTED, locked_at=LOCKED_AT
    )
    record.refresh_from_db()
    return record


@pytest.fixture
def locked(world):
    """world.a's record, with two subject rows, submitted and locked."""
    record = world.a.record
    for code in ("TV", "TOAN"):
        SubjectAssessment.objects.create(
            record=record, subject_code=code, term="hk2", data={"level": "T"}
        )
    return _lock(record)


def _unchanged(record: YearlyRecord) -> bool:
    stored = YearlyRecord.objects.get(pk=record.pk)
    rows = SubjectAssessment.objects.filter(record=record)
    return (
        stored.status == RecordStatus.SUBMITTED
        and stored.locked_at == LOCKED_AT
        and stored.homeroom_comment == ""
        and sorted(rows.values_list("subject_code", flat=True)) == ["TOAN", "TV"]
        and all(row.data == {"level": "T"} for row in rows)
    )


def test_a_locked_record_refuses_save_and_delete(locked):
    locked.homeroom_comment = "Sửa sau khi khóa."
    with pytest.raises(RecordLockedError, match="locked"):
        locked.save()
    with pytest.raises(RecordLockedError):
        locked.save(update_fields=["homeroom_comment"])
    with pytest.raises(RecordLockedError):
        locked.delete()
    assert _unchanged(locked)


def test_an_in_memory_unlock_does_not_open_it(locked):
    locked.locked_at = None
    locked.homeroom_comment = "Sửa sau khi khóa."
    with pytest.raises(RecordLockedError):
        locked.save()
    assert _unchanged(locked)


def test_recompute_and_return_to_draft_refuse_a_locked_record(locked):
    with pytest.raises(RecordLockedError):
        locked.recompute(save=True)
    with pytest.raises(RecordLockedError):
        return_to_draft(locked.pk)
    assert _unchanged(locked)


def test_the_bulk_paths_refuse_a_locked_record(locked, world):
    records = YearlyRecord.objects.filter(school_year=world.year)
    with pytest.raises(RecordLockedError):
        records.update(status=RecordStatus.DRAFT)
    with pytest.raises(RecordLockedError):
        records.filter(pk=locked.pk).update(locked_at=None)
    with pytest.raises(RecordLockedError):
        records.filter(pk=locked.pk).delete()
    locked.homeroom_comment = "Sửa."
    with pytest.raises(RecordLockedError):
        YearlyRecord.objects.bulk_update([locked], ["homeroom_comment"])
    assert _unchanged(locked)
    # The other records are not locked: the same paths still write them.
    assert records.exclude(pk=locked.pk).update(homeroom_comment="Tốt.") == 3


def test_the_subject_rows_of_a_locked_record_refuse_every_write(locked, world):
    row = locked.assessments.get(subject_code="TV")
    row.data = {"level": "H"}
    with pytest.raises(RecordLockedError):
        row.save()
    with pytest.raises(RecordLockedError):
        row.delete()
    new = SubjectAssessment(record=locked, subject_code="TNXH", term="hk2", data={})
    with pytest.raises(RecordLockedError):
        new.save()
    with pytest.raises(RecordLockedError):
        SubjectAssessment.objects.bulk_create([new])
    with pytest.raises(RecordLockedError):
        SubjectAssessment.objects.bulk_update([row], ["data"])
    with pytest.raises(RecordLockedError):
        locked.assessments.update(data={"level": "H"})
    with pytest.raises(RecordLockedError):
        locked.assessments.all().delete()
    with pytest.raises(RecordLockedError):  # moved out of the locked record
        SubjectAssessment.objects.filter(pk=row.pk).update(record=world.b.record)
    row.record = world.b.record
    with pytest.raises(RecordLockedError):
        row.save()
    assert _unchanged(locked)


def test_a_row_cannot_be_moved_into_a_locked_record(locked, world):
    other = SubjectAssessment.objects.create(
        record=world.b.record, subject_code="TV", term="hk1", data={"level": "T"}
    )
    other.record = locked
    with pytest.raises(RecordLockedError):
        other.save()
    with pytest.raises(RecordLockedError):
        SubjectAssessment.objects.filter(pk=other.pk).update(record=locked)
    assert _unchanged(locked)


def test_clean_shows_the_lock_as_a_form_error(locked):
    with pytest.raises(ValidationError, match="locked"):
        locked.full_clean()
    with pytest.raises(ValidationError, match="locked"):
        locked.assessments.first().full_clean()


def test_the_identity_a_locked_record_carries_cannot_change(locked, world):
    student = Student.objects.get(pk=world.a.student.pk)
    for name, value in [
        ("full_name", "Nguyễn Minh Ánh"),
        ("date_of_birth", dt.date(2015, 1, 1)),
        ("personal_id", "001315000999"),
        ("place_of_birth", "Hà Nội"),
    ]:
        original = getattr(student, name)
        setattr(student, name, value)
        with pytest.raises(RecordLockedError, match=str(locked.school_year)):
            student.save()
        with pytest.raises(ValidationError):
            student.clean()
        setattr(student, name, original)
    with pytest.raises(RecordLockedError):
        Student.objects.filter(pk=student.pk).update(full_name="Tên khác")
    student.full_name = "Tên khác"
    with pytest.raises(RecordLockedError):
        Student.objects.bulk_update([student], ["full_name"])
    student.refresh_from_db()
    assert student.full_name == "Nguyễn Minh Anh"


def test_the_family_details_still_change_after_the_lock(locked, world):
    student = world.a.student
    student.current_address = "Số 2 phố Mới"
    student.mother_name = "Lê Thị Hoa"
    student.save()
    Student.objects.filter(pk=student.pk).update(policy_category="Con thương binh")
    student.refresh_from_db()
    assert student.current_address == "Số 2 phố Mới"
    assert _unchanged(locked)


def test_a_student_without_a_locked_record_is_corrected_as_before(locked, world):
    student = world.b.student
    student.full_name = "Lê Thu Cúc Mới"
    student.save()
    student.refresh_from_db()
    assert student.full_name == "Lê Thu Cúc Mới"


def test_a_transcript_with_a_locked_record_keeps_its_student_and_level(locked, world):
    transcript = Transcript.objects.get(pk=locked.transcript_id)
    transcript.student = world.b.student
    with pytest.raises(RecordLockedError):
        transcript.save()
    with pytest.raises(ValidationError):
        transcript.clean()
    with pytest.raises(RecordLockedError):
        Transcript.objects.filter(pk=transcript.pk).update(level="secondary")
    # A transfer still moves the transcript to its new managing school (R14).
    Transcript.objects.filter(pk=transcript.pk).update(school=world.school_b)
    assert Transcript.objects.get(pk=transcript.pk).student_id == world.a.student.pk


# --- the database refuses what goes around the models (migration 0004) ---------


def _refused(sql: str, params=()) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _run(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_sql_cannot_change_or_delete_a_locked_record(locked):
    pk = [locked.pk]
    _refused("UPDATE records_yearlyrecord SET status = 'draft' WHERE id = %s", pk)
    _refused("UPDATE records_yearlyrecord SET locked_at = NULL WHERE id = %s", pk)
    _refused("DELETE FROM records_yearlyrecord WHERE id = %s", pk)
    assert _unchanged(locked)


def test_raw_sql_cannot_write_the_rows_of_a_locked_record(locked, world):
    row = locked.assessments.get(subject_code="TV")
    _refused("UPDATE records_subjectassessment SET data = '{}' WHERE id = %s", [row.pk])
    _refused("DELETE FROM records_subjectassessment WHERE id = %s", [row.pk])
    _refused(
        "INSERT INTO records_subjectassessment "
        "(record_id, subject_code, term, data, comment, updated_at) "
        "VALUES (%s, 'TNXH', 'hk2', '{}', '', %s)",
        [locked.pk, timezone.now()],
    )
    _refused(
        "UPDATE records_subjectassessment SET record_id = %s WHERE id = %s",
        [world.b.record.pk, row.pk],
    )
    other = SubjectAssessment.objects.create(
        record=world.b.record, subject_code="TV", term="hk1", data={}
    )
    _refused(
        "UPDATE records_subjectassessment SET record_id = %s WHERE id = %s",
        [locked.pk, other.pk],
    )
    assert _unchanged(locked)


def test_raw_sql_cannot_change_the_identity_of_a_locked_student(locked, world):
    pk = [world.a.student.pk]
    _refused("UPDATE records_student SET full_name = 'X' WHERE id = %s", pk)
    _refused(
        "UPDATE records_student SET date_of_birth = '2015-01-01' WHERE id = %s", pk
    )
    _refused("UPDATE records_student SET personal_id = NULL WHERE id = %s", pk)
    _refused("DELETE FROM records_student WHERE id = %s", pk)
    _refused(
        "UPDATE records_transcript SET student_id = %s WHERE id = %s",
        [world.b.student.pk, locked.transcript_id],
    )
    # The family's details and the managing school are not frozen.
    _run("UPDATE records_student SET current_address = 'Số 3' WHERE id = %s", pk)
    _run(
        "UPDATE records_transcript SET school_id = %s WHERE id = %s",
        [world.school_b.pk, locked.transcript_id],
    )
    assert Student.objects.get(pk=pk[0]).full_name == "Nguyễn Minh Anh"


def test_raw_sql_still_writes_records_that_are_not_locked(locked, world):
    record = world.b.record
    _run(
        "UPDATE records_yearlyrecord SET homeroom_comment = 'Tốt' WHERE id = %s",
        [record.pk],
    )
    _run(
        "UPDATE records_student SET full_name = 'Y' WHERE id = %s", [world.b.student.pk]
    )
    _run(
        "UPDATE records_yearlyrecord SET locked_at = %s WHERE id = %s",
        [LOCKED_AT, record.pk],
    )
    _refused(
        "UPDATE records_yearlyrecord SET homeroom_comment = '' WHERE id = %s",
        [record.pk],
    )


def test_the_refusals_are_in_vietnamese(locked, world):
    import unicodedata

    from django.utils import translation

    student = Student.objects.get(pk=world.a.student.pk)
    student.full_name = "Tên khác"
    with translation.override("vi"):
        with pytest.raises(RecordLockedError) as record_error:
            locked.save()
        with pytest.raises(RecordLockedError) as identity_error:
            student.save()
    for error, words in (
        (record_error, "đã khóa sổ: dữ liệu không thể thay đổi nữa"),
        (identity_error, "Thông tin nhân thân của Nguyễn Minh Anh (HSA000001)"),
    ):
        message = str(error.value)
        assert words in message and "thủ tục đính chính" in message
        assert unicodedata.is_normalized("NFC", message)


def test_finalising_skips_a_locked_record_whatever_its_status(world, principal):
    # A record locked while back in draft (edited before the records knew the
    # lock) is final: finalising leaves it alone instead of failing the class.
    from hocbaso.records.deferred_actions import finalise_records

    record = world.a.record
    YearlyRecord.objects.filter(pk=record.pk).update(locked_at=LOCKED_AT)
    records = YearlyRecord.objects.filter(school_class=world.class_a)
    assert finalise_records(principal, records) == 0
    stored = YearlyRecord.objects.get(pk=record.pk)
    assert stored.status == RecordStatus.DRAFT and stored.results is None
