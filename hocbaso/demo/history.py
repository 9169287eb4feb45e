"""The year before last, for a few classes: so that some pupils have two locked years.

The seed makes two school years (last year complete, this year in progress); a
transcript with two locked years needs one more. ``seed_earlier_year`` adds it
only for the classes it is asked for, after the seed, with its own random
generator (the seeded district stays what ``--seed`` makes):

1. the school year before last (its calendar from the defaults, as the seed's);
2. for each of last year's classes: the class one grade lower under the same
   letter, with last year's homeroom and subject teachers and the school's
   leaders appointed to it;
3. every pupil who started last year in that class (not those who moved in
   mid-year): an enrollment and a finalised record of the lower grade on the
   same transcript, drawn until the rules promote the pupil without the summer
   (they moved up, Circular 27 Art. 13, Circular 22 Art. 12), so the record
   belongs to the main round.
"""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

from hocbaso.assessment import assess
from hocbaso.demo import assessments as gen
from hocbaso.demo import comments
from hocbaso.demo.raw_rows import (
    COMMENTS,
    Row,
    _comment,
    _fill_raw,
    _insert_rows,
    _json,
    subject_terms,
)
from hocbaso.records.models import (
    Appointment,
    Enrollment,
    RecordStatus,
    Role,
    SchoolClass,
    SchoolLevel,
    SchoolYear,
    Transcript,
    YearlyRecord,
)

CLASS_ROLES = (Role.HOMEROOM_TEACHER, Role.SUBJECT_TEACHER)
LEADER_ROLES = (Role.PRINCIPAL, Role.DEPUTY_PRINCIPAL)


@transaction.atomic
def seed_earlier_year(
    last: SchoolYear, classes: list[SchoolClass], *, seed: int = 1
) -> list[SchoolClass]:
    """Step 1-3 above for ``classes`` of ``last``; the earlier year's classes.

    One transaction: a failure leaves no half-made year.
    """
    rng = random.Random(f"earlier year {seed}")
    earlier = SchoolYear.objects.create(name=f"{last.first_year - 1}-{last.first_year}")
    made = []
    for school_class in classes:
        lower = _lower_class(school_class, earlier)
        _appoint(school_class, lower)
        for enrollment in _first_day_pupils(school_class):
            _earlier_record(rng, enrollment, lower)
        made.append(lower)
    return made


def _lower_class(school_class: SchoolClass, earlier: SchoolYear) -> SchoolClass:
    """The class the pupils were in: one grade lower, the same letter and number."""
    grade = school_class.grade - 1
    suffix = school_class.name.removeprefix(str(school_class.grade))
    return SchoolClass.objects.create(
        school=school_class.school,
        school_year=earlier,
        grade=grade,
        name=f"{grade}{suffix}",
    )


def _appoint(school_class: SchoolClass, lower: SchoolClass) -> None:
    """Last year's teachers of the class and the school's leaders, a year earlier."""
    last = Appointment.objects.filter(
        school=school_class.school, school_year=school_class.school_year
    )
    teachers = last.filter(role__in=CLASS_ROLES, school_class=school_class)
    leaders = last.filter(role__in=LEADER_ROLES)
    already = Appointment.objects.filter(
        school=school_class.school, school_year=lower.school_year, role__in=LEADER_ROLES
    ).exists()
    rows = [
        Appointment(
            person_id=a.person_id,
            role=a.role,
            school_year=lower.school_year,
            school=a.school,
            school_class=lower if a.school_class_id else None,
            subject_code=a.subject_code,
        )
        for a in [*teachers, *([] if already else leaders)]
    ]
    Appointment.objects.bulk_create(rows)


def _first_day_pupils(school_class: SchoolClass):
    """Who started last year in the class, with a transcript at its school."""
    return (
        Enrollment.objects.filter(
            school_class=school_class,
            kind=Enrollment.Kind.ENROLLED,
            start_date=school_class.school_year.start_date,
            student__transcripts__school=school_class.school,
        )
        .select_related("student")
        .order_by("student__student_code")
    )


def _earlier_record(
    rng: random.Random, enrollment: Enrollment, lower: SchoolClass
) -> None:
    Enrollment.objects.create(
        student=enrollment.student,
        school_class=lower,
        start_date=lower.school_year.start_date,
    )
    transcript = Transcript.objects.get(
        student=enrollment.student, level=lower.school.level
    )
    profile, data, result = _promoted_year(rng, lower)
    record = YearlyRecord(
        transcript=transcript,
        school_year=lower.school_year,
        grade=lower.grade,
        school=lower.school,
        school_class=lower,
        status=RecordStatus.FINALISED,
        homeroom_comment=COMMENTS[profile],
    )
    _fill_raw(record, data)
    if lower.level == SchoolLevel.PRIMARY:
        notes = random.Random(f"{enrollment.student.student_code} {lower.grade}")
        record.comments = comments.ratings(
            notes, data["qualities"], data["competencies"]
        )
    record.apply_results(result, data)
    record.save()
    _insert_rows([(record.pk, row) for row in _rows(data)])


def _promoted_year(
    rng: random.Random, lower: SchoolClass
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A profile, a year's data and the rules' result that moves the pupil up."""
    primary = lower.level == SchoolLevel.PRIMARY
    while True:
        profile = gen.primary_profile(rng) if primary else gen.secondary_profile(rng)
        if primary:
            data = _json(gen.primary_year(rng, lower.grade, profile))
        else:
            data = _json(gen.secondary_year(rng, lower.grade, profile))
        result = assess(data)
        if result.get("completed") if primary else result["promotion"] == "promoted":
            return profile, data, result


def _rows(data: dict[str, Any]) -> list[Row]:
    """Raw rows per subject and term, as the seed writes them (last_year._rows)."""
    rows: list[Row] = []
    for code, subject in data["subjects"].items():
        for term, value in subject_terms(data["level"] == "primary", subject).items():
            note = _comment(code, term, value, data["level"])
            rows.append((code, term.value, value, None, None, note))
    return rows
