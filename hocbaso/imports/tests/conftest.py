"""Fixtures of the import tests: templates of the shared ``world`` and valid rows."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_personal_id
from hocbaso.imports import workbooks
from hocbaso.imports.tests import helpers
from hocbaso.records.models import Sex


def student_row(code: str, name: str, cls: str, grade: int, year: str, **extra):
    birth = dt.date(int(year[:4]) - grade - 6, 5, 20)
    sex = extra.pop("sex_code", Sex.FEMALE)
    return {
        "student_code": code,
        "personal_id": make_personal_id(birth, sex),
        "full_name": name,
        "date_of_birth": birth.strftime("%d/%m/%Y"),
        "sex": "Nữ" if sex == Sex.FEMALE else "Nam",
        "school_year": year,
        "class_name": cls,
        "grade": grade,
        **extra,
    }


@pytest.fixture
def students_file(world):
    """``students_file(rows, classes=())``: a filled students template of school_a."""

    def build(rows, classes=()):
        book = helpers.load(workbooks.students_workbook(world.school_a, world.year))
        if classes:
            helpers.add_rows(helpers.sheet_of(book, "classes"), list(classes))
        helpers.add_rows(helpers.sheet_of(book, "students"), list(rows))
        return helpers.save(book)

    return build
