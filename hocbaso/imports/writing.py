"""Writing a checked plan: every change of an import, inside the caller's transaction.

Rows are created in bulk; a stored row that changed is updated in bulk and its
record returned to draft through ``records.models.assessments.return_to_draft``
(an unsigned, finalised record only: signed ones never reach a plan). Then the
results of every record the import touched are recomputed with
``YearlyRecord.recompute``; a record still missing assessments keeps none and
is listed, which is not an error (term I comes before term II).
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from hocbaso.assessment import AssessmentInputError
from hocbaso.imports.planning import Plan, in_chunks
from hocbaso.records.models import (
    Enrollment,
    Person,
    RecordStatus,
    SchoolClass,
    Student,
    SubjectAssessment,
    Transcript,
    YearlyRecord,
)
from hocbaso.records.models.assessments import return_to_draft
from hocbaso.records.models.locks import refuse_locked_ids
from hocbaso.records.models.record_states import COMPUTED_FIELDS


def write_plan(plan: Plan, user) -> list[tuple[YearlyRecord, list[str]]]:
    """Write ``plan``; the touched records whose results cannot be computed yet,
    each with the assessment rules' problems (missing term II marks…)."""
    person = Person.objects.filter(user=user).first() if user is not None else None
    SchoolClass.objects.bulk_create(plan.classes)
    classes = {
        (c.school_year.name, c.name): c
        for c in SchoolClass.objects.filter(school=plan.school).select_related(
            "school_year"
        )
    }
    Student.objects.bulk_create(plan.new_students)
    for student in plan.changed_students:
        student.save()
    students = _students(plan)
    _write_enrollments(plan, classes, students)
    new_ids = _write_records(plan, classes, students)
    records = _records(plan)
    touched = _write_rows(plan, records, person)
    touched |= _write_record_fields(plan, records, person)
    return _recompute(touched | new_ids)


def _students(plan: Plan) -> dict[str, Student]:
    codes = sorted(
        {code for code, _key, _f in plan.new_enrollments}
        | {r.student_code for r in plan.new_records}
    )
    out: dict[str, Student] = {}
    for chunk in in_chunks(codes):
        out.update(
            (s.student_code, s) for s in Student.objects.filter(student_code__in=chunk)
        )
    return out


def _write_enrollments(plan: Plan, classes, students) -> None:
    new = []
    for code, key, fields in plan.new_enrollments:
        school_class = classes[key]
        new.append(
            Enrollment(
                student=students[code],
                school_class=school_class,
                start_date=fields.get("start_date")
                or school_class.school_year.start_date,
                kind=fields.get("kind") or Enrollment.Kind.ENROLLED,
                source_school_name=fields.get("source_school_name", ""),
                register_number=fields.get("register_number", ""),
            )
        )
    Enrollment.objects.bulk_create(new)
    for enrollment in plan.changed_enrollments:
        enrollment.save()


def _write_records(plan: Plan, classes, students) -> set[int]:
    level = plan.school.level
    wanted = [students[r.student_code] for r in plan.new_records]
    have = {}
    for chunk in in_chunks([s.pk for s in wanted]):
        have.update(
            (t.student_id, t)
            for t in Transcript.objects.filter(student_id__in=chunk, level=level)
        )
    new_transcripts = {
        s.pk: Transcript(student=s, level=level, school=plan.school)
        for s in wanted
        if s.pk not in have
    }
    Transcript.objects.bulk_create(new_transcripts.values())
    have.update(new_transcripts)
    new = []
    for planned in plan.new_records:
        school_class = classes[planned.class_key]
        new.append(
            YearlyRecord(
                transcript=have[students[planned.student_code].pk],
                school_year=school_class.school_year,
                grade=planned.grade,
                school=plan.school,
                school_class=school_class,
            )
        )
    YearlyRecord.objects.bulk_create(new)
    return {r.pk for r in new}


def _records(plan: Plan) -> dict[tuple[str, str], YearlyRecord]:
    keys = {row.record_key for row in plan.rows} | {k for k, _c in plan.record_fields}
    codes = sorted({code for code, _year in keys})
    out = {}
    for chunk in in_chunks(codes):
        found = YearlyRecord.objects.filter(
            school=plan.school, transcript__student__student_code__in=chunk
        ).select_related("transcript__student", "school_year")
        for record in found:
            key = (record.transcript.student.student_code, record.school_year.name)
            if key in keys:
                out[key] = record
    return out


def _write_rows(plan: Plan, records, person) -> set[int]:
    now = timezone.now()
    new, changed = [], []
    for row in plan.rows:
        record = records[row.record_key]
        if row.existing is None:
            new.append(
                SubjectAssessment(
                    record=record,
                    subject_code=row.subject_code,
                    term=row.term,
                    data=row.data,
                    comment=row.comment or "",
                    entered_by=person,
                )
            )
        else:
            row.existing.data = row.data
            if row.comment is not None:
                row.existing.comment = row.comment
            row.existing.updated_at = now
            changed.append(row.existing)
    SubjectAssessment.objects.bulk_create(new, batch_size=500)
    SubjectAssessment.objects.bulk_update(
        changed, ["data", "comment", "updated_at"], batch_size=500
    )
    touched = {records[row.record_key] for row in plan.rows}
    for record in touched:
        if record.status != RecordStatus.DRAFT:
            # domain.md §7: an edited record goes back to draft (unsigned only
            # here: the plan refused signed and locked records).
            return_to_draft(record.pk)
    return {record.pk for record in touched}


def _write_record_fields(plan: Plan, records, person) -> set[int]:
    now = timezone.now()
    drafts: dict[frozenset[str], list[YearlyRecord]] = {}
    for key, changes in plan.record_fields:
        record = records[key]
        for name, value in changes.items():
            setattr(record, name, value)
        fields = {*changes, "updated_at"}
        if changes.get("class_recognition"):
            record.class_recognition_by = person
            fields.add("class_recognition_by")
        if record.status == RecordStatus.DRAFT:
            # A draft has nothing signed to drop: plain UPDATEs, in batches.
            record.updated_at = now
            drafts.setdefault(frozenset(fields), []).append(record)
        else:
            record.save(update_fields=fields)  # back to draft, signatures dropped
    for fields, same in drafts.items():
        _update_drafts(same, fields)
    return {records[key].pk for key, _changes in plan.record_fields}


def _recompute(record_ids: set[int]) -> list[tuple[YearlyRecord, list[str]]]:
    """``YearlyRecord.recompute`` on each record; drafts saved in batches."""
    incomplete = []
    for chunk in in_chunks(sorted(record_ids)):
        records = YearlyRecord.objects.filter(pk__in=chunk).prefetch_related(
            "assessments"
        )
        drafts = []
        for record in records.select_related("transcript__student"):
            draft = record.status == RecordStatus.DRAFT
            try:
                record.recompute(save=not draft)
            except AssessmentInputError as exc:
                incomplete.append((record, exc.problems))
                continue
            if draft:
                drafts.append(record)
        _update_drafts(drafts, COMPUTED_FIELDS)
    return incomplete


def _update_drafts(records: list[YearlyRecord], fields) -> None:
    """Save ``fields`` of draft records without ``save`` (which first re-reads each
    one's status): the lock is checked once per batch, then one UPDATE statement
    is run for every record (executemany). One ORM update per record, each with
    its own lock query, made a 100,000-row import outlast the worker's timeout;
    the database's lock triggers still refuse a record locked in between."""
    if not records:
        return
    refuse_locked_ids(r.pk for r in records)
    meta = YearlyRecord._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    table, key = quote(meta.db_table), quote(meta.pk.column)
    # Names from the model's metadata; every value is a parameter.
    sql = f"UPDATE {table} SET {sets} WHERE {key} = %s"  # noqa: S608
    rows = [
        [c.get_db_prep_save(getattr(r, c.attname), connection) for c in columns]
        + [r.pk]
        for r in records
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
