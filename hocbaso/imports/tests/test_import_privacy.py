"""An import, dry run included, tells nothing of another school's pupil."""

from __future__ import annotations

import pytest
from django.utils import translation

from hocbaso.imports.actions import import_workbook
from hocbaso.imports.errors import InvalidRowsError
from hocbaso.imports.tests.conftest import student_row
from hocbaso.records.models import Sex


def _problems(students_file, world, principal, holder) -> list[str]:
    """The problems of a row giving a new student the personal id of holder."""
    row = student_row("HS9001", "Đinh Thu Trang", "1A1", 1, world.year.name)
    row["personal_id"] = holder.personal_id
    row["date_of_birth"] = holder.date_of_birth.strftime("%d/%m/%Y")
    row["sex"] = "Nữ" if holder.sex == Sex.FEMALE else "Nam"
    row["class_name"], row["grade"] = world.class_a.name, world.class_a.grade
    with translation.override("vi"), pytest.raises(InvalidRowsError) as caught:
        import_workbook(
            students_file([row]),
            school=world.school_a,
            user=principal,
            dry_run=True,
        )
    return [p.message for p in caught.value.problems]


def test_a_personal_id_of_another_schools_pupil_is_not_mapped_to_its_code(
    world, principal, students_file
):
    (message,) = _problems(students_file, world, principal, world.b.student)
    assert world.b.student.student_code not in message
    assert "học sinh của trường khác" in message


def test_a_personal_id_of_the_schools_own_pupil_names_the_code(
    world, principal, students_file
):
    (message,) = _problems(students_file, world, principal, world.a.student)
    assert world.a.student.student_code in message
