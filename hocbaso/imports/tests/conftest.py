"""Fixtures of the import tests: templates of the shared ``world`` and valid rows."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_personal_id
from hocbaso.imports import filling as helpers
from hocbaso.imports import workbooks
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


def fill_primary_year(book, code: str, score: int = 9, level: str = "T") -> None:
    """Every subject and rating of a primary student, end of year (and term I)."""
    from hocbaso.assessment import COMPETENCIES, QUALITIES

    for ws in book.worksheets:
        meta = helpers.meta_of(ws)
        if meta.get("kind") != "subject":
            continue
        keys = helpers.keys_of(ws)
        values = {"hk2_level": level, "hk1_level": level}
        if "hk2_score" in keys:
            values |= {"hk2_score": score, "hk1_score": score}
        if meta["subject"] == "TDT" or (
            meta["subject"] == "NN1" and "hk2_score" not in keys
        ):
            continue  # optional subjects left blank
        helpers.set_student(ws, code, values)
    ratings = {f"q_{c}": "T" for c in QUALITIES} | {f"c_{c}": "T" for c in COMPETENCIES}
    helpers.set_student(helpers.sheet_of(book, "record"), code, ratings)


def fill_secondary_year(book, code: str, score="8") -> None:
    from hocbaso.assessment import Form, curriculum

    for ws in book.worksheets:
        meta = helpers.meta_of(ws)
        if meta.get("kind") != "subject":
            continue
        keys = helpers.keys_of(ws)
        spec = {s.code: s for s in curriculum("secondary", 7)}[meta["subject"]]
        if spec.optional:
            continue
        mark = score if spec.form is Form.SCORE else "Đ"
        helpers.set_student(
            ws,
            code,
            {k: mark for k in keys if k.startswith("hk") and "comment" not in k},
        )
    helpers.set_student(
        helpers.sheet_of(book, "record"),
        code,
        {"conduct_hk1": "T", "conduct_hk2": "T", "absences": 2},
    )
