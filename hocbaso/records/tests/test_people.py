"""People and appointments (domain.md §2)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hocbaso.records.models import Appointment, Person, Role

NFD_NAME = "Nguye\u0302\u0303n Thi\u0323 Hoa"


def test_a_class_has_at_most_one_homeroom_teacher(world, homeroom_teacher):
    other = Person.objects.create(full_name="Đỗ Văn Nam", personal_id="001085999999")
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            person=other,
            role=Role.HOMEROOM_TEACHER,
            school_year=world.year,
            school=world.school_a,
            school_class=world.class_a,
        )


def test_a_class_may_have_several_subject_teachers(world, homeroom_teacher):
    for number, subject in enumerate(["TOAN", "TV"]):
        person = Person.objects.create(
            full_name=f"Giáo viên {subject}", personal_id=f"00108599990{number}"
        )
        Appointment.objects.create(
            person=person,
            role=Role.SUBJECT_TEACHER,
            school_year=world.year,
            school=world.school_a,
            school_class=world.class_a,
            subject_code=subject,
        )
    assert world.class_a.appointments.count() == 3


def test_a_role_must_name_its_kind_of_organisation(world):
    person = Person.objects.create(full_name="Cán bộ", personal_id="001085999998")
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            person=person,
            role=Role.UNIT_OFFICER,
            school_year=world.year,
            school=world.school_a,
        )


def test_a_subject_teacher_needs_a_class_and_a_subject(world):
    person = Person.objects.create(full_name="Giáo viên", personal_id="001085999997")
    appointment = Appointment(
        person=person,
        role=Role.SUBJECT_TEACHER,
        school_year=world.year,
        school=world.school_a,
    )
    with pytest.raises(ValidationError) as caught:
        appointment.full_clean()
    assert set(caught.value.message_dict) >= {"school_class", "subject_code"}


def test_a_persons_name_is_stored_in_nfc(db):
    person = Person.objects.create(full_name=NFD_NAME, personal_id="001085999996")
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Hoa"


def test_a_students_personal_id_is_checked_on_clean(world):
    student = world.a.student
    yy = f"{student.date_of_birth.year % 100:02d}"
    student.personal_id = f"0013{yy}000001"  # 3: a girl born in the 2000s
    student.sex = 1  # but the student is a boy
    with pytest.raises(ValidationError) as caught:
        student.full_clean()
    assert "personal_id" in caught.value.message_dict
