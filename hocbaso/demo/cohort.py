"""Students of the demo district and their transcripts, school by school.

For each school: last year's classes are filled and assessed by the rules;
the summer paths run for whoever needs them; then this year's classes are
filled from last year's outcome (promoted students move up, the others repeat
the grade) and new pupils. A few of last year's students moved in from another
school of the district in January: their term I results came with them
(domain.md §7).

Each school is written as soon as it is made, so memory stays flat at the
scale of the full district.

A pupil being made is in ``pupils``, last year's pupils and their assessment in
``last_year``, the raw rows of a record in ``raw_rows``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from hocbaso.demo import assessments as gen
from hocbaso.demo import comments
from hocbaso.demo.ids import StudentCodes, lookup_code
from hocbaso.demo.last_year import last_year_pupil
from hocbaso.demo.places import split
from hocbaso.demo.pupils import Context, Pupil, new_pupil, new_record
from hocbaso.demo.raw_rows import Row, _insert_rows, _json, subject_terms
from hocbaso.demo.staff import People
from hocbaso.records.models import (
    Enrollment,
    RecordStatus,
    School,
    SchoolClass,
    SchoolLevel,
    SchoolYear,
    Student,
    Term,
    Transcript,
    YearlyRecord,
    is_in_pilot,
)

# subject_terms is imported from here by the school's demo pages.
__all__ = ["create_students", "subject_terms"]


def create_students(
    rng: random.Random,
    schools: list[School],
    classes: dict[tuple[int, int], list[SchoolClass]],
    years: tuple[SchoolYear, SchoolYear],
    people: People,
    students: dict[str, int],
    progress: Callable[[str], None],
) -> dict[str, int]:
    """Make the students of ``schools``; ``students``: this year's total per level."""
    by_level: dict[str, list[School]] = {}
    for school in schools:
        by_level.setdefault(school.level, []).append(school)
    ctx = Context(
        rng, StudentCodes(rng), people, years[0], years[1], classes, by_level, {}
    )
    sizes = _class_sizes(ctx, students)
    for n, school in enumerate(schools, 1):
        _seed_school(ctx, school, sizes)
        progress(f"school {n}/{len(schools)}: {school.name}")
    return ctx.counts


def _class_sizes(ctx: Context, students: dict[str, int]) -> dict[int, int]:
    """This year's size of every class (by class pk), from the scale's totals."""
    sizes: dict[int, int] = {}
    for level, level_schools in ctx.schools_by_level.items():
        current = [
            c for s in level_schools for c in ctx.classes[(s.pk, ctx.current.pk)]
        ]
        for school_class, size in zip(
            current, split(students[level], len(current)), strict=True
        ):
            sizes[school_class.pk] = size
    return sizes


def _seed_school(ctx: Context, school: School, sizes: dict[int, int]) -> None:
    last_classes = ctx.classes[(school.pk, ctx.last.pk)]
    this_classes = ctx.classes[(school.pk, ctx.current.pk)]
    last_year: dict[int, list[tuple[Pupil, SchoolClass]]] = {}
    by_name = {c.name: c for c in this_classes}
    for school_class in last_classes:
        size = sizes[by_name[school_class.name].pk]
        pupils = [last_year_pupil(ctx, school, school_class) for _ in range(size)]
        last_year.setdefault(school_class.grade, []).extend(
            (p, school_class) for p in pupils
        )
    roster = _this_year_roster(ctx, school, this_classes, sizes, last_year)
    _write(ctx, school, [p for pairs in last_year.values() for p, _c in pairs], roster)


def _entry_grade(school: School) -> int:
    return 1 if school.level == SchoolLevel.PRIMARY else 6


def _this_year_roster(
    ctx: Context,
    school: School,
    this_classes: list[SchoolClass],
    sizes: dict[int, int],
    last_year: dict[int, list[tuple[Pupil, SchoolClass]]],
) -> list[tuple[Pupil, SchoolClass]]:
    """This year's classes: promoted pupils move up, the rest repeat, new ones fill up.

    A grade with more pupils than places sends the last ones to other schools
    (they leave the demo); a grade with fewer takes in new pupils.
    """
    roster = []
    for grade in sorted({c.grade for c in this_classes}):
        pool = [p for p, _c in last_year.get(grade - 1, []) if p.promoted]
        pool += [p for p, _c in last_year.get(grade, []) if not p.promoted]
        pool.reverse()  # pop() from the end keeps last year's order
        for school_class in (c for c in this_classes if c.grade == grade):
            for _ in range(sizes[school_class.pk]):
                if pool:
                    pupil = pool.pop()
                else:
                    pupil = new_pupil(ctx, grade, ctx.current, school)
                    pupil.new_this_year = True
                roster.append((pupil, school_class))
    return roster


def _this_year(
    ctx: Context, pupil: Pupil, school: School, school_class: SchoolClass
) -> None:
    """This year's enrollment and, in a pilot grade, its record with term I."""
    entry = school_class.grade == _entry_grade(school)
    moved_in = pupil.new_this_year and not entry
    pupil.enrollments.append(
        Enrollment(
            student=pupil.student,
            school_class=school_class,
            start_date=ctx.current.start_date,
            kind=Enrollment.Kind.TRANSFERRED_IN
            if moved_in
            else Enrollment.Kind.ENROLLED,
            source_school_name="Trường ngoài địa bàn" if moved_in else "",
        )
    )
    if not is_in_pilot(school_class.grade):
        return
    rng = ctx.rng
    if school.level == SchoolLevel.PRIMARY:
        data = gen.primary_term_one(rng, school_class.grade, pupil.profile)
    else:
        data = gen.secondary_term_one(rng, school_class.grade, pupil.profile)
    record = new_record(ctx, pupil, school_class, RecordStatus.DRAFT)
    record.homeroom_comment = ""
    pupil.records.append(record)
    teacher = ctx.people.homeroom.get(school_class.pk)
    teacher_pk = teacher.pk if teacher else None
    subjects = data["subjects"].items()
    pupil.rows.append([_term_one_row(code, s, teacher_pk) for code, s in subjects])


def _term_one_row(code: str, subject: dict[str, Any], teacher: int | None) -> Row:
    value = _json(subject.get("hk1", subject))
    if "hk1" in subject:
        note = comments.secondary_term(value)
    else:
        note = comments.primary_subject(code, value)
    return (code, Term.HK1.value, value, teacher, None, note)


def _write(
    ctx: Context,
    school: School,
    last_year: list[Pupil],
    roster: list[tuple[Pupil, SchoolClass]],
) -> None:
    """Write one school's students, enrollments, transcripts, records and rows."""
    for pupil, school_class in roster:
        _this_year(ctx, pupil, school, school_class)
    pupils = last_year + [p for p, _c in roster if p.new_this_year]
    Student.objects.bulk_create([p.student for p in pupils], batch_size=1000)
    transcripts = []
    for pupil in pupils:
        if not pupil.records:
            continue
        transcript = Transcript(
            student=pupil.student,
            level=school.level,
            school=school,
            lookup_code=lookup_code(ctx.rng),
        )
        transcripts.append(transcript)
        for record in pupil.records:
            record.transcript = transcript
    Transcript.objects.bulk_create(transcripts, batch_size=1000)
    records = [r for p in pupils for r in p.records]
    YearlyRecord.objects.bulk_create(records, batch_size=1000)
    rows = [
        (record.pk, row)
        for pupil in pupils
        for record, record_rows in zip(pupil.records, pupil.rows, strict=True)
        for row in record_rows
    ]
    _insert_rows(rows)
    Enrollment.objects.bulk_create(
        [e for p in pupils for e in p.enrollments], batch_size=1000
    )
    counts = ctx.counts
    counts["students"] = counts.get("students", 0) + len(pupils)
    counts["enrolled_this_year"] = counts.get("enrolled_this_year", 0) + len(roster)
    counts["transcripts"] = counts.get("transcripts", 0) + len(transcripts)
    counts["yearly_records"] = counts.get("yearly_records", 0) + len(records)
    counts["subject_assessments"] = counts.get("subject_assessments", 0) + len(rows)
