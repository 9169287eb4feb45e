"""Last year's pupils of a school: enrolled, some moved in from another school of
the district in January with their term I results, assessed by the rules with the
summer paths for whoever needs them (docs/domain.md §7; Circular 27, Art. 13).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hocbaso.assessment import assess
from hocbaso.demo import assessments as gen
from hocbaso.demo import comments
from hocbaso.demo.pupils import Context, Pupil, new_pupil, new_record
from hocbaso.demo.raw_rows import Row, _comment, _fill_raw, _json, subject_terms
from hocbaso.records.models import (
    Enrollment,
    RecordStatus,
    School,
    SchoolClass,
    SchoolLevel,
    Term,
    YearlyRecord,
    is_in_pilot,
)

MID_YEAR_TRANSFER_SHARE = 0.015
# Primary: share of students still not complete after the supplementary
# assessment whom the principal nonetheless promotes.
PROMOTED_BY_PRINCIPAL_SHARE = 0.4
TRANSFER_DAY = (1, 15)  # last day at the old school (month, day of the second year)


def last_year_pupil(ctx: Context, school: School, school_class: SchoolClass) -> Pupil:
    pupil = new_pupil(ctx, school_class.grade, ctx.last, school)
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
    ctx: Context, pupil: Pupil, school_class: SchoolClass, old_school: School
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


def _assess_last_year(
    ctx: Context, pupil: Pupil, school: School, school_class: SchoolClass
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
    record = new_record(ctx, pupil, school_class, RecordStatus.FINALISED)
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


def _rows(
    ctx: Context,
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


def _count(ctx: Context, record: YearlyRecord) -> None:
    key = record.result_code or record.promotion or "unknown"
    ctx.counts[f"result:{key}"] = ctx.counts.get(f"result:{key}", 0) + 1
    if record.title:
        ctx.counts[f"title:{record.title}"] = (
            ctx.counts.get(f"title:{record.title}", 0) + 1
        )
