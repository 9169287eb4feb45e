"""The demo's school year to sign: a few classes of this year with the year complete.

The seeded demo district has last year signed, submitted and locked (``hocbaso
demo-registry``) and this year in progress (term I only). So that the school pages
can be tried end to end, ``hocbaso demo-school`` gives one class per school (grade 4
at primary, grade 7 at lower secondary) a whole year of assessments, drawn by the
demo's own generators (hocbaso.demo.assessments, the rules decide every result) and
left as drafts: the homeroom teacher finalises them, the subject teachers and the
homeroom teacher sign, the principal signs, seals and submits to the registry, whose
round for this year is still open. It also issues demo certificates for whoever has
none yet (``hocbaso pki demo`` is idempotent).

Classes already finalised or signed are left alone; running it again draws new
assessments only for classes still entirely in draft.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from django.conf import settings
from django.db import transaction

from hocbaso.assessment import assess
from hocbaso.demo import assessments as gen
from hocbaso.demo import comments
from hocbaso.demo.cohort import subject_terms
from hocbaso.demo.seed import current_school_year
from hocbaso.records.demo_pki import create_records_pki
from hocbaso.records.models import (
    RecordStatus,
    SchoolClass,
    SchoolLevel,
    SchoolYear,
    SubjectAssessment,
    Term,
    YearlyRecord,
)
from hocbaso.records.signers import signers_of

DEMO_GRADES = {SchoolLevel.PRIMARY: 4, SchoolLevel.SECONDARY: 7}


def _json(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def _year_data(rng: random.Random, record: YearlyRecord) -> dict[str, Any]:
    """A whole year whose promotion is decided (the summer done where it applies)."""
    if record.level == SchoolLevel.PRIMARY:
        data = _json(gen.primary_year(rng, record.grade, gen.primary_profile(rng)))
        if not assess(data)["completed"]:
            data = _json(gen.primary_year(rng, record.grade, "pass"))
        return data
    data = _json(gen.secondary_year(rng, record.grade, gen.secondary_profile(rng)))
    result = assess(data)
    if result["promotion"] not in ("promoted", "repeat"):
        data = _json(gen.secondary_summer(rng, data, result))
    return data


def _rows(record: YearlyRecord, data: dict[str, Any], teacher) -> list:
    rows = []
    for code, subject in data["subjects"].items():
        terms = subject_terms(record.level == SchoolLevel.PRIMARY, subject)
        rows += [
            SubjectAssessment(
                record=record,
                subject_code=code,
                term=term.value,
                data=value,
                entered_by=teacher,
                comment=_comment(record, code, term, value),
            )
            for term, value in terms.items()
        ]
    return rows


def _comment(record: YearlyRecord, code: str, term: Term, value: dict) -> str:
    """The teacher's comment, worded as the seeded records' (hocbaso.demo.comments)."""
    if record.level == SchoolLevel.PRIMARY:
        return comments.primary_subject(code, value) if term == Term.HK2 else ""
    return comments.secondary_term(value)


@transaction.atomic
def complete_class(school_class: SchoolClass, rng: random.Random) -> int:
    """Draw a whole year for every record of the class; they stay drafts."""
    records = list(YearlyRecord.objects.filter(school_class=school_class))
    teacher = signers_of(school_class).homeroom
    rows = []
    for record in records:
        data = _year_data(rng, record)
        if record.level == SchoolLevel.PRIMARY:
            record.qualities = data["qualities"]
            record.competencies = data["competencies"]
            record.class_recognition = bool(data.get("class_recognition"))
            record.class_recognition_by = teacher if record.class_recognition else None
            record.comments = comments.ratings(
                random.Random(record.pk), record.qualities, record.competencies
            )
        else:
            record.conduct = data.get("conduct") or {}
            record.absences = data.get("absences")
            record.retest = data.get("retest")
            record.summer_conduct = data.get("summer_conduct") or ""
        record.homeroom_comment = "Chăm ngoan, tiến bộ trong học tập."
        rows += _rows(record, data, teacher)
    SubjectAssessment.objects.filter(record__in=records).delete()
    YearlyRecord.objects.bulk_update(
        records,
        [
            "qualities",
            "competencies",
            "class_recognition",
            "class_recognition_by",
            "comments",
            "conduct",
            "absences",
            "retest",
            "summer_conduct",
            "homeroom_comment",
        ],
    )
    SubjectAssessment.objects.bulk_create(rows)
    return len(records)


def prepare_school_demo(
    *, today: dt.date | None = None, seed: int = 2024
) -> list[tuple[SchoolClass, int]]:
    """One class per school made ready to finalise and sign; [(class, records)]."""
    today = today or dt.date.today()
    year = SchoolYear.objects.get(name=current_school_year(today))
    rng = random.Random(seed)
    done = []
    classes = SchoolClass.objects.filter(school_year=year).select_related("school")
    by_school: dict[int, SchoolClass] = {}
    for school_class in classes.order_by("school__code", "name"):
        grade = DEMO_GRADES.get(school_class.school.level)
        if school_class.grade == grade and school_class.school_id not in by_school:
            by_school[school_class.school_id] = school_class
    for school_class in by_school.values():
        records = YearlyRecord.objects.filter(school_class=school_class)
        if records.exclude(status=RecordStatus.DRAFT).exists() or not records.exists():
            continue
        done.append((school_class, complete_class(school_class, rng)))
    keys = settings.DATA_DIR / "pki"
    create_records_pki(keys, settings.HOCBASO_TRUST_STORE)
    return done
