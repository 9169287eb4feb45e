"""Students of the demo district and their transcripts, school by school.

For each school: last year's classes are filled and assessed by the rules;
the summer paths run for whoever needs them; then this year's classes are
filled from last year's outcome (promoted students move up, the others repeat
the grade) and new pupils. A few of last year's students moved in from another
school of the district in January: their term I results came with them
(domain.md §7).

Each school is written as soon as it is made, so memory stays flat at the
scale of the full district.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from hocbaso.assessment import assess
from hocbaso.demo import assessments as gen
from hocbaso.demo import comments, names
from hocbaso.demo.ids import StudentCodes, lookup_code
from hocbaso.demo.places import split
from hocbaso.demo.staff import People
from hocbaso.records.models import (
    Enrollment,
    RecordStatus,
    School,
    SchoolClass,
    SchoolLevel,
    SchoolYear,
    Student,
    SubjectAssessment,
    Term,
    Transcript,
    YearlyRecord,
    is_in_pilot,
)

MID_YEAR_TRANSFER_SHARE = 0.015
# Primary: share of students still not complete after the supplementary
# assessment whom the principal nonetheless promotes.
PROMOTED_BY_PRINCIPAL_SHARE = 0.4
TRANSFER_DAY = (1, 15)  # last day at the old school (month, day of the second year)

COMMENTS = {
    "excellent": "Học tập xuất sắc, chăm ngoan, là tấm gương cho các bạn.",
    "good": "Chăm chỉ, tiếp thu bài tốt, tích cực tham gia hoạt động.",
    "fair": "Có ý thức học tập, cần mạnh dạn phát biểu hơn.",
    "pass": "Hoàn thành nhiệm vụ học tập, cần cố gắng hơn ở một số môn.",
    "weak": "Cần chăm chỉ hơn, gia đình phối hợp kèm cặp thêm.",
    "failing": "Cần cố gắng nhiều, nhà trường và gia đình cùng hỗ trợ.",
    "fail": "Cần cố gắng nhiều, nhà trường và gia đình cùng hỗ trợ.",
}


# One raw assessment row before it is written: subject code, term, data,
# entered by (person pk), source school (pk), the teacher's comment. Plain
# tuples, because the full district has over a million of them.
Row = tuple[str, str, Any, int | None, int | None, str]


@dataclass
class Pupil:
    """A student being made, before it is written."""

    student: Student
    profile: str
    grade: int  # last year's grade, or this year's for new pupils
    promoted: bool = True
    from_class: SchoolClass | None = None  # term I school, for mid-year transfers
    new_this_year: bool = False
    records: list[YearlyRecord] = field(default_factory=list)
    rows: list[list[Row]] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)


@dataclass
class _Ctx:
    rng: random.Random
    codes: StudentCodes
    people: People
    last: SchoolYear
    current: SchoolYear
    classes: dict[tuple[int, int], list[SchoolClass]]
    schools_by_level: dict[str, list[School]]
    counts: dict[str, int]


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
    ctx = _Ctx(
        rng, StudentCodes(rng), people, years[0], years[1], classes, by_level, {}
    )
    sizes = _class_sizes(ctx, students)
    for n, school in enumerate(schools, 1):
        _seed_school(ctx, school, sizes)
        progress(f"school {n}/{len(schools)}: {school.name}")
    return ctx.counts


def _class_sizes(ctx: _Ctx, students: dict[str, int]) -> dict[int, int]:
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


def _new_pupil(ctx: _Ctx, grade: int, year: SchoolYear, school: School) -> Pupil:
    rng = ctx.rng
    sex = rng.choice((1, 2))
    # Children start grade 1 in the calendar year they turn six.
    birth_year = year.first_year - 5 - grade
    birth = dt.date(birth_year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    province, province_code = names.birth_province(rng)
    ward = school.commune_name
    student = Student(
        student_code=ctx.codes.new(),
        personal_id=ctx.people.ids.new(birth, sex, province_code),  # type: ignore[union-attr]
        full_name=names.person_name(rng, sex),
        sex=sex,
        date_of_birth=birth,
        ethnicity=names.ethnicity(rng),
        place_of_birth=province,
        home_town=names.birth_province(rng)[0],
        current_address=names.address(rng, ward),
        father_name=names.person_name(rng, 1),
        father_occupation=names.occupation(rng),
        mother_name=names.person_name(rng, 2),
        mother_occupation=names.occupation(rng),
    )
    level = SchoolLevel.PRIMARY if grade <= 5 else SchoolLevel.SECONDARY
    profile = (
        gen.primary_profile(rng)
        if level == SchoolLevel.PRIMARY
        else gen.secondary_profile(rng)
    )
    return Pupil(student=student, profile=profile, grade=grade)


def _seed_school(ctx: _Ctx, school: School, sizes: dict[int, int]) -> None:
    last_classes = ctx.classes[(school.pk, ctx.last.pk)]
    this_classes = ctx.classes[(school.pk, ctx.current.pk)]
    last_year: dict[int, list[tuple[Pupil, SchoolClass]]] = {}
    by_name = {c.name: c for c in this_classes}
    for school_class in last_classes:
        size = sizes[by_name[school_class.name].pk]
        pupils = [_last_year_pupil(ctx, school, school_class) for _ in range(size)]
        last_year.setdefault(school_class.grade, []).extend(
            (p, school_class) for p in pupils
        )
    roster = _this_year_roster(ctx, school, this_classes, sizes, last_year)
    _write(ctx, school, [p for pairs in last_year.values() for p, _c in pairs], roster)


def _entry_grade(school: School) -> int:
    return 1 if school.level == SchoolLevel.PRIMARY else 6


def _last_year_pupil(ctx: _Ctx, school: School, school_class: SchoolClass) -> Pupil:
    pupil = _new_pupil(ctx, school_class.grade, ctx.last, school)
    pupil.enrollments.append(
        Enrollment(
            student=pupil.student,
            school_class=school_class,
            start_date=ctx.last.start_date,
        )
    )
    if not is_in_pilot(school_class.grade):
        # No digital transcript for this grade; nearly everyone moves up.
        pupil.promoted = ctx.rng.random() < 0.99
        return pupil
    others = [s for s in ctx.schools_by_level[school.level] if s.pk != school.pk]
    if others and ctx.rng.random() < MID_YEAR_TRANSFER_SHARE:
        _moved_in_january(ctx, pupil, school_class, ctx.rng.choice(others))
    _assess_last_year(ctx, pupil, school, school_class)
    return pupil


def _moved_in_january(
    ctx: _Ctx, pupil: Pupil, school_class: SchoolClass, old_school: School
) -> None:
    old_class = next(
        c
        for c in ctx.classes[(old_school.pk, ctx.last.pk)]
        if c.grade == school_class.grade
    )
    last_day = dt.date(ctx.last.first_year + 1, *TRANSFER_DAY)
    pupil.from_class = old_class
    pupil.enrollments = [
        Enrollment(
            student=pupil.student,
            school_class=old_class,
            start_date=ctx.last.start_date,
            end_date=last_day,
            kind=Enrollment.Kind.TRANSFERRED_OUT,
        ),
        Enrollment(
            student=pupil.student,
            school_class=school_class,
            start_date=last_day + dt.timedelta(days=1),
            kind=Enrollment.Kind.TRANSFERRED_IN,
            source_school=old_school,
        ),
    ]
    ctx.counts["moved_mid_year"] = ctx.counts.get("moved_mid_year", 0) + 1


def _json(data: Any) -> Any:
    """Decimals as strings, the way the interchange format allows them."""
    return json.loads(json.dumps(data, default=str))


def _assess_last_year(
    ctx: _Ctx, pupil: Pupil, school: School, school_class: SchoolClass
) -> None:
    rng = ctx.rng
    grade = school_class.grade
    reassessed = False
    if school.level == SchoolLevel.PRIMARY:
        data = _json(gen.primary_year(rng, grade, pupil.profile))
        result = assess(data)
        if not result["completed"]:
            # Supplementary assessment over the summer (Circular 27, Art. 13).
            better = "pass" if rng.random() < 0.7 else pupil.profile
            data = _json(gen.primary_year(rng, grade, better))
            result = assess(data)
            reassessed = True
        pupil.promoted = bool(result["completed"]) or (
            rng.random() < PROMOTED_BY_PRINCIPAL_SHARE
        )
    else:
        data = _json(gen.secondary_year(rng, grade, pupil.profile))
        result = assess(data)
        if result["promotion"] not in ("promoted", "repeat"):
            data = _json(gen.secondary_summer(rng, data, result))
            result = assess(data)
        pupil.promoted = result["promotion"] == "promoted"
    record = _record(ctx, pupil, school_class, RecordStatus.FINALISED)
    _fill_raw(record, data)
    record.supplementary_assessed = reassessed
    if school.level == SchoolLevel.PRIMARY:
        # Drawn apart from the district's generator, so comments do not move
        # the rest of the seeded data.
        notes = random.Random(pupil.student.student_code)
        record.comments = comments.ratings(
            notes, data["qualities"], data["competencies"]
        )
    record.apply_results(result, data)
    if school.level == SchoolLevel.PRIMARY and data.get("class_recognition"):
        record.class_recognition_by = ctx.people.homeroom[school_class.pk]
        record.class_recognition_note = "Tiến bộ rõ rệt, được tập thể lớp công nhận."
    pupil.records.append(record)
    pupil.rows.append(_rows(ctx, record, data, pupil.from_class))
    _count(ctx, record)


def _record(
    ctx: _Ctx, pupil: Pupil, school_class: SchoolClass, status: str
) -> YearlyRecord:
    return YearlyRecord(
        school_year=school_class.school_year,
        grade=school_class.grade,
        school=school_class.school,
        school_class=school_class,
        status=status,
        homeroom_comment=COMMENTS[pupil.profile],
    )


def _fill_raw(record: YearlyRecord, data: dict[str, Any]) -> None:
    if data["level"] == "primary":
        record.qualities = data["qualities"]
        record.competencies = data["competencies"]
        record.class_recognition = bool(data.get("class_recognition"))
    else:
        record.conduct = data.get("conduct") or {}
        record.absences = data.get("absences")
        record.retest = data.get("retest")
        record.summer_conduct = data.get("summer_conduct") or ""


def _rows(
    ctx: _Ctx,
    record: YearlyRecord,
    data: dict[str, Any],
    from_class: SchoolClass | None,
) -> list[Row]:
    """Raw rows per subject and term; term I of a mid-year transfer is marked."""
    source = from_class.school.pk if from_class else None
    teacher = ctx.people.homeroom.get(record.school_class.pk)
    teacher_pk = teacher.pk if teacher else None
    rows: list[Row] = []
    for code, subject in data["subjects"].items():
        for term, value in subject_terms(data["level"] == "primary", subject).items():
            rows.append(
                (
                    code,
                    term.value,
                    value,
                    teacher_pk,
                    source if term == Term.HK1 else None,
                    _comment(code, term, value, data["level"]),
                )
            )
    return rows


def subject_terms(primary: bool, subject: dict[str, Any]) -> dict[Term, Any]:
    """A subject of the interchange year as the rows of each term store it.

    Primary: the end-of-year values, repeated at the end of term I (the same level,
    tests where the subject has one) unless the pupil is exempt; lower secondary:
    each term's values, or the exemption in both terms."""
    if primary:
        terms = {Term.HK2: subject}
        if "exempt" not in subject:
            terms[Term.HK1] = subject
        return terms
    if "exempt" in subject:
        return {Term.HK1: subject, Term.HK2: subject}
    return {Term(term): value for term, value in subject.items()}


def _comment(code: str, term: Term, value: dict[str, Any], level: str) -> str:
    """Primary: the end-of-year comment (the term I row repeats its levels, not
    its words); lower secondary: each term's."""
    if level == "primary":
        return comments.primary_subject(code, value) if term == Term.HK2 else ""
    return comments.secondary_term(value)


def _insert_rows(rows: list[tuple[int, Row]]) -> None:
    """Insert raw assessment rows with one executemany, bypassing model instances.

    The ORM's bulk_create costs about 100 µs a row in Python; the full district
    has 1.5 million rows.
    """
    table = SubjectAssessment._meta.db_table
    now = timezone.now()
    sql = (
        f"INSERT INTO {table} (record_id, subject_code, term, data, comment, "  # noqa: S608
        "entered_by_id, source_school_id, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    )
    params = [
        (record_pk, code, term, json.dumps(data), comment, teacher, source, now)
        for record_pk, (code, term, data, teacher, source, comment) in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _count(ctx: _Ctx, record: YearlyRecord) -> None:
    key = record.result_code or record.promotion or "unknown"
    ctx.counts[f"result:{key}"] = ctx.counts.get(f"result:{key}", 0) + 1
    if record.title:
        ctx.counts[f"title:{record.title}"] = (
            ctx.counts.get(f"title:{record.title}", 0) + 1
        )


def _this_year_roster(
    ctx: _Ctx,
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
                    pupil = _new_pupil(ctx, grade, ctx.current, school)
                    pupil.new_this_year = True
                roster.append((pupil, school_class))
    return roster


def _this_year(
    ctx: _Ctx, pupil: Pupil, school: School, school_class: SchoolClass
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
    record = _record(ctx, pupil, school_class, RecordStatus.DRAFT)
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
    ctx: _Ctx,
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
