"""A 1,500-student school imported from spreadsheets end to end: rows per second.

    .venv/bin/python bench/imports.py [--students 1500] [--level secondary] [--seed 5]
    bash scripts/with-postgres .venv/bin/python bench/imports.py   # on PostgreSQL

Steps (only step 3 and 4 are timed):
1. a fresh database (SQLite in a temporary directory, or ``$DATABASE_URL``) with
   one school and its school year;
2. the files a clerk would upload, made from the templates of ``hocbaso.imports``:
   the students workbook (its classes sheet naming every class, one row per
   student), and one assessment workbook per class with a whole year of marks
   from the demo generator (every subject sheet, terms I and II, and the sheet
   of conduct and absences, or of qualities and competencies at primary);
3. the students workbook imported (classes, students, enrollments, transcripts,
   records), then every class workbook (subject rows written, every record's
   results computed by the assessment rules): data rows per second;
4. every file imported again, which must change nothing (the check of every row
   still runs).
The yardstick, measured in the same run on the same files, is openpyxl merely
reading every cell of them in read-only mode: the import's rate divided by it is
steadier on a busy machine than the raw rate.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRADES = {"secondary": (6, 7, 8), "primary": (1, 2, 3, 4)}


def setup(data_dir: Path) -> None:
    os.environ["HOCBASO_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hocbaso.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_school(level: str):
    from django.utils import timezone

    from hocbaso.records.models import Department, School, SchoolYear

    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    year = SchoolYear.objects.create(name=f"{first}-{first + 1}")
    department = Department.objects.create(
        code="01", name="Sở GD&ĐT Hà Nội", province_code="01"
    )
    school = School.objects.create(
        code="BENCH", name="Trường thử tải", level=level, department=department
    )
    return school, year


def students_file(school, year, level: str, n: int, rng: random.Random) -> bytes:
    from hocbaso.imports import filling as helpers
    from hocbaso.imports import workbooks

    grades = GRADES[level]
    per_class = 42
    classes = max(1, round(n / per_class))
    names = [
        f"{grades[i % len(grades)]}A{i // len(grades) + 1}" for i in range(classes)
    ]
    book = helpers.load(workbooks.students_workbook(school, year))
    helpers.add_rows(
        helpers.sheet_of(book, "classes"),
        [
            {"class_name": name, "grade": int(name[0]), "school_year": year.name}
            for name in names
        ],
    )
    rows = []
    for i in range(n):
        name = names[i % classes]
        grade = int(name[0])
        sex = 1 + (i % 2)
        birth_year = year.first_year - grade - 6
        century = (birth_year // 100 - 19) * 2 + (sex - 1)
        rows.append(
            {
                "student_code": f"01{i:08d}",
                "personal_id": f"001{century}{birth_year % 100:02d}{i:06d}",
                "full_name": f"Nguyễn Văn {rng.choice('ABCDEGHKLMNPQSTVX')}{i}",
                "date_of_birth": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/"
                f"{birth_year}",
                "sex": "Nam" if sex == 1 else "Nữ",
                "ethnicity": "Kinh",
                "current_address": f"Số {i} phố Thử Tải, Hà Nội",
                "school_year": year.name,
                "class_name": name,
                "grade": grade,
            }
        )
    helpers.add_rows(helpers.sheet_of(book, "students"), rows)
    return helpers.save(book)


def class_files(school, year, rng: random.Random) -> list[bytes]:
    from django.utils import translation

    from hocbaso.imports import filling as helpers
    from hocbaso.imports import workbooks
    from hocbaso.records.models import SchoolClass

    files = []
    with translation.override("vi"):
        for school_class in SchoolClass.objects.filter(school=school, school_year=year):
            book = workbooks.class_book(school_class)
            _fill_class(book, school_class, rng)
            files.append(helpers.save(book))
    return files


def _fill_class(book, school_class, rng: random.Random) -> None:
    from hocbaso.demo import assessments as gen
    from hocbaso.imports import filling as helpers

    record_sheet = helpers.sheet_of(book, "record")
    codes = [
        record_sheet.cell(row, 1).value for row in range(4, record_sheet.max_row + 1)
    ]
    primary = school_class.level == "primary"
    subject_sheets = {
        helpers.meta_of(ws)["subject"]: ws
        for ws in book.worksheets
        if helpers.meta_of(ws).get("kind") == "subject"
    }
    for code in codes:
        if primary:
            data = gen.primary_year(rng, school_class.grade, gen.primary_profile(rng))
        else:
            data = gen.secondary_year(
                rng, school_class.grade, gen.secondary_profile(rng)
            )
        for subject, value in data["subjects"].items():
            helpers.set_student(
                subject_sheets[subject], code, _subject_cells(value, primary)
            )
        helpers.set_student(record_sheet, code, _record_cells(data, primary))


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def _subject_cells(value: dict, primary: bool) -> dict:
    if value.get("exempt"):
        return {"exempt": "x"}
    if primary:
        cells = {"hk1_level": value["level"], "hk2_level": value["level"]}
        if "score" in value:
            cells |= {"hk1_score": value["score"], "hk2_score": value["score"]}
        return cells
    cells = {}
    for term in ("hk1", "hk2"):
        for n, mark in enumerate(value[term]["tx"], start=1):
            cells[f"{term}_tx{n}"] = _number(mark)
        cells[f"{term}_gk"] = _number(value[term]["gk"])
        cells[f"{term}_ck"] = _number(value[term]["ck"])
    return cells


def _record_cells(data: dict, primary: bool) -> dict:
    if primary:
        cells = {f"q_{k}": v for k, v in data["qualities"].items()}
        cells |= {f"c_{k}": v for k, v in data["competencies"].items()}
        return cells
    return {
        "conduct_hk1": data["conduct"]["hk1"],
        "conduct_hk2": data["conduct"]["hk2"],
        "absences": data["absences"],
    }


def data_rows(files: list[bytes]) -> int:
    """The non-blank data rows of every template sheet (rows 4 on)."""
    from openpyxl import load_workbook

    total = 0
    for data in files:
        book = load_workbook(io.BytesIO(data), read_only=True)
        for ws in book.worksheets:
            if ws.cell(1, 2).value in ("instructions", None):
                continue
            for row in ws.iter_rows(min_row=4, values_only=True):
                if any(v not in (None, "") for v in row[2:] if row):
                    total += 1
        book.close()
    return total


def read_only(files: list[bytes]) -> float:
    """The yardstick: openpyxl reading every cell of the files; seconds."""
    from openpyxl import load_workbook

    start = time.perf_counter()
    for data in files:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    cell.value  # noqa: B018 - read it
        book.close()
    return time.perf_counter() - start


def import_all(files: list[bytes], school) -> tuple[float, list]:
    from hocbaso.imports.actions import import_workbook

    start = time.perf_counter()
    reports = [
        import_workbook(data, school=school, file_name="bench.xlsx") for data in files
    ]
    return time.perf_counter() - start, reports


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--level", choices=sorted(GRADES), default="secondary")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="hocbaso-bench-imports-") as tmp:
        setup(Path(tmp))
        from django.db import connection

        school, year = make_school(args.level)
        students = students_file(school, year, args.level, args.students, rng)
        students_seconds, (students_report,) = import_all([students], school)
        classes = class_files(school, year, rng)
        marks_seconds, reports = import_all(classes, school)
        again_seconds, again = import_all([students, *classes], school)
        files = [students, *classes]
        yardstick = read_only(files)
        rows_students = data_rows([students])
        rows_marks = data_rows(classes)
    rows = rows_students + rows_marks
    total = students_seconds + marks_seconds
    result = {
        "database": connection.vendor,
        "level": args.level,
        "students": args.students,
        "files": len(files),
        "megabytes": round(sum(map(len, files)) / 1e6, 2),
        "rows_students": rows_students,
        "rows_assessments": rows_marks,
        "students_seconds": round(students_seconds, 2),
        "assessments_seconds": round(marks_seconds, 2),
        "rows_per_second": round(rows / total),
        "students_rows_per_second": round(rows_students / students_seconds),
        "assessment_rows_per_second": round(rows_marks / marks_seconds),
        "records_computed": sum(
            r.counts.get("records_created", 0) for r in [students_report]
        )
        - sum(r.counts["records_incomplete"] for r in reports),
        "records_incomplete_after_marks": sum(
            r.counts["records_incomplete"] for r in reports
        ),
        "reimport_seconds": round(again_seconds, 2),
        "reimport_changed": sum(r.changed for r in again),
        "reimport_rows_per_second": round(rows / again_seconds),
        "openpyxl_read_only_seconds": round(yardstick, 2),
        "openpyxl_read_only_rows_per_second": round(rows / yardstick),
        "import_time_over_read_time": round(total / yardstick, 1),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
