"""The versions of a yearly record corrected after the lock.

A locked record never changes (docs/security.md, "Nothing locked changes"); a
correction approved by the competent level makes a new version of it: a draft
yearly record with ``corrects`` naming the previous version, signed, sealed and
issued by the registry (docs/registry.md, "Correction after the lock"). The
student's row keeps the identity the locked versions were signed with (the
database refuses to change it, migration 0004); a corrected identity (a name
changed by law) lives on the new version, ``corrected_identity``, and is what its
packet carries.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.db import transaction

from hocbaso.records.models import SubjectAssessment, YearlyRecord
from hocbaso.records.models.locks import LOCKED_IDENTITY_FIELDS

# What a correction may set of the identity: the fields the packet carries of it.
CORRECTABLE_IDENTITY = LOCKED_IDENTITY_FIELDS
_NOT_COPIED = {"id", "corrects", "version", "corrected_identity", "locked_at"}
_NOT_COPIED |= {"status", "created_at", "updated_at", "computed_at"}


def student_identity(record: YearlyRecord) -> Any:
    """The student as the record's packet shows them: the row, with the version's
    corrected identity over it."""
    student = record.transcript.student
    corrected = record.corrected_identity or {}
    if not corrected:
        return student
    values = {f.attname: getattr(student, f.attname) for f in student._meta.fields}
    for name, value in corrected.items():
        if name == "date_of_birth":
            value = dt.date.fromisoformat(value)
        values[name] = value
    return SimpleNamespace(**values)


def new_version(
    original: YearlyRecord, identity: dict[str, str] | None = None
) -> YearlyRecord:
    """A draft copy of a locked record and its subject rows, the next version of it.

    The original is only read. ``identity`` (field name → value, dates as ISO text)
    is added to what earlier versions corrected.
    """
    fields = [
        f
        for f in YearlyRecord._meta.concrete_fields
        if f.name not in _NOT_COPIED and not f.primary_key
    ]
    copy = YearlyRecord(**{f.attname: getattr(original, f.attname) for f in fields})
    copy.corrects = original
    copy.version = original.version + 1
    copy.corrected_identity = {**original.corrected_identity, **(identity or {})}
    with transaction.atomic():
        copy.save()
        rows = SubjectAssessment.objects.filter(record=original).order_by("pk")
        SubjectAssessment.objects.bulk_create([_row_copy(r, copy) for r in rows])
        if original.results is not None:
            copy.recompute()
    return copy


def _row_copy(row: SubjectAssessment, record: YearlyRecord) -> SubjectAssessment:
    fields = [f for f in row._meta.concrete_fields if not f.primary_key]
    values = {f.attname: getattr(row, f.attname) for f in fields}
    values["record_id"] = record.pk
    return SubjectAssessment(**values)


def latest_version(record: YearlyRecord) -> YearlyRecord:
    """The record's latest version (itself when never corrected)."""
    found = record
    while True:
        following = YearlyRecord.objects.filter(corrects=found).first()
        if following is None:
            return found
        found = following
