"""Transcripts and yearly records: identity that never changes (domain.md §5-6)."""

import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hocbaso.records.models import (
    ImmutableFieldError,
    SchoolClass,
    SchoolYear,
    Transcript,
    YearlyRecord,
)


def test_a_transcript_gets_a_32_hex_lookup_code_on_create(world):
    code = world.a.transcript.lookup_code
    assert re.fullmatch(r"[0-9a-f]{32}", code)
    world.a.transcript.refresh_from_db()
    assert world.a.transcript.lookup_code == code


def test_lookup_codes_are_unique(world):
    codes = Transcript.objects.values_list("lookup_code", flat=True)
    assert len(set(codes)) == len(codes) == 4
    with pytest.raises(IntegrityError), transaction.atomic():
        Transcript.objects.filter(pk=world.b.transcript.pk).update(
            lookup_code=world.a.transcript.lookup_code
        )


def test_a_lookup_code_cannot_be_changed(world):
    transcript = world.a.transcript
    transcript.lookup_code = "0" * 32
    with pytest.raises(ImmutableFieldError):
        transcript.save()
    transcript.refresh_from_db()
    assert transcript.lookup_code != "0" * 32


def test_the_lookup_code_is_not_editable_in_forms():
    assert Transcript._meta.get_field("lookup_code").editable is False


def test_the_feed_identifier_is_the_same_uuid_with_hyphens(world):
    transcript = world.a.transcript
    assert uuid.UUID(transcript.feed_identifier).hex == transcript.lookup_code
    assert len(transcript.feed_identifier) == 36


def test_a_student_has_one_transcript_per_level(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Transcript.objects.create(
            student=world.a.student, level="primary", school=world.school_a
        )


def test_a_student_code_cannot_be_changed(world):
    student = world.a.student
    student.student_code = "HSA999999"
    with pytest.raises(ImmutableFieldError):
        student.save()


def test_a_repeated_grade_adds_a_second_record_for_the_same_grade(world):
    next_year = SchoolYear.objects.create(
        name=f"{world.year.first_year + 1}-{world.year.first_year + 2}"
    )
    again = SchoolClass.objects.create(
        school=world.school_a, school_year=next_year, grade=4, name="4A2"
    )
    YearlyRecord.objects.create(
        transcript=world.a.transcript,
        school_year=next_year,
        grade=4,
        school=world.school_a,
        school_class=again,
    )
    assert world.a.transcript.yearly_records.filter(grade=4).count() == 2


def test_one_record_per_transcript_and_year(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyRecord.objects.create(
            transcript=world.a.transcript,
            school_year=world.year,
            grade=4,
            school=world.school_a,
            school_class=world.class_a,
        )


def test_a_grade_outside_the_pilot_is_refused(world, settings):
    settings.HOCBASO_PILOT_GRADES = frozenset({1, 2, 3})
    with pytest.raises(ValidationError) as caught:
        world.a.record.full_clean()
    assert "grade" in caught.value.message_dict


def test_a_record_class_must_match_its_school_year_and_grade(world):
    record = world.a.record
    record.school_class = world.class_b
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    assert "school_class" in caught.value.message_dict
