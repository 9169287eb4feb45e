"""A pupil of the demo district being made, before it is written: the student
with a family and an address, a profile that drives the generated results, and a
blank yearly record; ``Context`` is what the making of one district shares.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from hocbaso.demo import assessments as gen
from hocbaso.demo import names
from hocbaso.demo.ids import StudentCodes
from hocbaso.demo.raw_rows import COMMENTS, Row
from hocbaso.demo.staff import People
from hocbaso.records.models import (
    Enrollment,
    School,
    SchoolClass,
    SchoolLevel,
    SchoolYear,
    Student,
    YearlyRecord,
)


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
class Context:
    rng: random.Random
    codes: StudentCodes
    people: People
    last: SchoolYear
    current: SchoolYear
    classes: dict[tuple[int, int], list[SchoolClass]]
    schools_by_level: dict[str, list[School]]
    counts: dict[str, int]


def new_pupil(ctx: Context, grade: int, year: SchoolYear, school: School) -> Pupil:
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


def new_record(
    ctx: Context, pupil: Pupil, school_class: SchoolClass, status: str
) -> YearlyRecord:
    return YearlyRecord(
        school_year=school_class.school_year,
        grade=school_class.grade,
        school=school_class.school,
        school_class=school_class,
        status=status,
        homeroom_comment=COMMENTS[pupil.profile],
    )
