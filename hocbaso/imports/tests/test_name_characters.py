"""An imported name with a bidirectional or zero-width character is refused."""

from __future__ import annotations

import pytest
from django.utils import translation

from hocbaso.imports.actions import import_workbook
from hocbaso.imports.errors import InvalidRowsError
from hocbaso.imports.tests.conftest import student_row
from hocbaso.records.models import Student


@pytest.mark.parametrize("key", ["full_name", "father_name", "guardian_name"])
def test_a_hidden_character_in_a_name_is_refused_naming_the_cell(
    world, principal, students_file, key
):
    row = student_row("HS9101", "Đinh Thu Trang", "4A1", 4, world.year.name)
    row[key] = "Đinh Thu\u202e Trang"
    with translation.override("vi"), pytest.raises(InvalidRowsError) as caught:
        import_workbook(students_file([row]), school=world.school_a, user=principal)
    (problem,) = caught.value.problems
    assert "U+202E" in problem.message and "ký tự ẩn" in problem.message
    assert not Student.objects.filter(student_code="HS9101").exists()
