"""What the registry's lock freezes on the school side (docs/security.md).

The lock (``hocbaso.registry.locking``) sets ``YearlyRecord.locked_at`` on every
record whose submission it locks, in the same transaction: the record is then
effective and final (R11, domain.md §7). From then on nothing of it changes: the
record's raw and computed data, its subject rows, its packet and signature steps, its
transcript's student and level, and the identity fields of its student. A submitted
record that is not locked yet is still corrected the usual way (back to draft, signed
again, sent as a replacement). After the lock a correction follows the legal
correction procedure, which is not a school-side edit.

Every write path goes through here: ``save()``, ``delete()`` and ``clean()`` of the
models (so the admin shows the sentence as a form error) and the querysets' bulk
paths (``update``, ``delete``, ``bulk_update``, ``bulk_create``), which skip
``save()``. Migration 0003's triggers refuse whatever goes around the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from hocbaso.records.errors import RecordLockedError

if TYPE_CHECKING:
    from hocbaso.records.models.yearly_records import YearlyRecord

# The student's identity as a locked packet carries it (R11: what was locked is
# final). Address, parents, guardian and policy category describe the family now;
# they are kept up to date for the next years' records, and the locked packet in
# the registry keeps what they were.
LOCKED_IDENTITY_FIELDS = (
    "student_code",
    "personal_id",
    "full_name",
    "sex",
    "date_of_birth",
    "place_of_birth",
    "ethnicity",
    "nationality",
    "home_town",
)
_CHUNK = 500


def _records() -> models.QuerySet[YearlyRecord]:
    return apps.get_model("records", "YearlyRecord")._base_manager.all()


def _chunks(values: list) -> Iterable[list]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def record_locked_error(record: YearlyRecord) -> RecordLockedError:
    return RecordLockedError(
        _(
            "%(record)s is locked: its data can no longer change. After the lock, "
            "a correction follows the legal correction procedure."
        )
        % {"record": record}
    )


def refuse_locked(records: models.QuerySet[YearlyRecord]) -> None:
    """Raise RecordLockedError naming the first locked record of ``records``."""
    first = (
        records.filter(locked_at__isnull=False)
        .select_related("transcript__student", "school_year")
        .order_by("pk")
        .first()
    )
    if first is not None:
        raise record_locked_error(first)


def refuse_locked_ids(record_ids: Iterable[Any]) -> None:
    ids = sorted({pk for pk in record_ids if pk is not None})
    for chunk in _chunks(ids):
        refuse_locked(_records().filter(pk__in=chunk))


def locked_record_of_student(student_id: Any) -> YearlyRecord | None:
    """The student's first locked record, or None."""
    if student_id is None:
        return None
    return (
        _records()
        .filter(transcript__student_id=student_id, locked_at__isnull=False)
        .select_related("transcript__student", "school_year")
        .order_by("locked_at", "pk")
        .first()
    )


def identity_locked_error(record, names: Iterable[str]) -> RecordLockedError:
    """The student is named as stored (and as the locked record shows them)."""
    student = record.transcript.student
    fields = ", ".join(str(student._meta.get_field(n).verbose_name) for n in names)
    return RecordLockedError(
        _(
            "The identity of %(student)s (%(fields)s) is carried by a locked yearly "
            "record (%(record)s): it can no longer change. After the lock, a "
            "correction follows the legal correction procedure."
        )
        % {"student": student, "fields": fields, "record": record}
    )


def changed_identity(student, stored: dict[str, Any] | None) -> list[str]:
    """The locked identity fields whose value differs from ``stored``."""
    if stored is None:
        return []
    return [
        name
        for name in LOCKED_IDENTITY_FIELDS
        if stored[student._meta.get_field(name).attname]
        != getattr(student, student._meta.get_field(name).attname)
    ]


class YearlyRecordQuerySet(models.QuerySet):
    """The bulk paths refuse a locked record (save() refuses one at a time)."""

    def update(self, **kwargs: Any) -> int:
        refuse_locked(self)
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        refuse_locked(self)
        return super().delete()

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        objs = list(objs)
        refuse_locked_ids(obj.pk for obj in objs)
        return super().bulk_update(objs, fields, batch_size=batch_size)


class RecordRowQuerySet(models.QuerySet):
    """Rows that belong to a yearly record: refused when it is locked, before or
    after the change (a row moved out of or into a locked record)."""

    def _refuse(self) -> None:
        for chunk in _chunks(list(self.values_list("record_id", flat=True))):
            refuse_locked(_records().filter(pk__in=chunk))

    def update(self, **kwargs: Any) -> int:
        self._refuse()
        target = kwargs.get("record_id", kwargs.get("record"))
        if isinstance(target, models.Model):
            target = target.pk
        if isinstance(target, int):  # expressions come from bulk_update, checked
            refuse_locked_ids([target])
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse()
        return super().delete()

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        objs = list(objs)
        self.filter(pk__in=[o.pk for o in objs])._refuse()
        refuse_locked_ids(obj.record_id for obj in objs)
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args: Any, **kwargs: Any) -> list:
        objs = list(objs)
        refuse_locked_ids(obj.record_id for obj in objs)
        return super().bulk_create(objs, *args, **kwargs)


class RecordRowGuard(models.Model):
    """save() and delete() of a row of a yearly record refuse a locked record."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refuse_if_record_locked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        self.refuse_if_record_locked()
        return super().delete(*args, **kwargs)

    def refuse_if_record_locked(self) -> None:
        ids = [self.record_id]
        if not self._state.adding and self.pk is not None:
            ids += (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values_list("record_id", flat=True)
            )
        refuse_locked_ids(ids)


class StudentQuerySet(models.QuerySet):
    """Bulk changes of a locked student's identity are refused."""

    def _refuse(self, names: Iterable[str]) -> None:
        record = (
            _records()
            .filter(transcript__student__in=self.values("pk"), locked_at__isnull=False)
            .select_related("transcript__student", "school_year")
            .order_by("pk")
            .first()
        )
        if record is not None:
            raise identity_locked_error(record, names)

    def update(self, **kwargs: Any) -> int:
        names = [n for n in LOCKED_IDENTITY_FIELDS if n in kwargs]
        if names:
            self._refuse(names)
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse(LOCKED_IDENTITY_FIELDS)
        return super().delete()

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        objs = list(objs)
        if set(fields) & set(LOCKED_IDENTITY_FIELDS):
            for obj in objs:
                obj.refuse_locked_identity()
        return super().bulk_update(objs, fields, batch_size=batch_size)
