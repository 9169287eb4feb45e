"""Corrections before the lock (domain.md §7): edit a record's raw data, see the change.

A correction edits the raw rows (scores, levels, comments) and the homeroom comment;
``preview`` recomputes the results from the edited data without saving, so the page
shows what changes in the data and in the results; ``apply`` saves the edit, which
returns the record to draft and drops its signatures and packet (records' own rule),
and recomputes. The record is then finalised, signed again and, once issued, sent as a
replacement with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hocbaso.assessment import AssessmentInputError, assess
from hocbaso.records.models import SubjectAssessment, YearlyRecord
from hocbaso.records.models.assessments import build_assessment_input
from hocbaso.registry.models import Submission
from hocbaso.school import field_names
from hocbaso.school.review import diff
from hocbaso.web.problems import describe

_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
LIST_KEYS = {"tx"}


class CorrectionError(Exception):
    """The correction cannot be made; the message says why."""


@dataclass(frozen=True)
class Change:
    """One changed field: its name as a reader knows it, the values before and
    after as they are written; ``key`` is the raw field (for tests, never shown)."""

    name: str
    before: str
    after: str
    key: str


@dataclass
class Preview:
    data_changes: list = field(default_factory=list)
    result_changes: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rows: list[SubjectAssessment] = field(default_factory=list)
    homeroom_comment: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.data_changes)


def check_open(record: YearlyRecord) -> None:
    """Refuse a locked record: after the lock nothing changes (the models and the
    database refuse it too; this says so before the form is filled)."""
    if (
        record.is_locked
        or Submission.objects.filter(
            record=record, state=Submission.State.ACCEPTED, locked_at__isnull=False
        ).exists()
    ):
        raise CorrectionError(
            _("%(record)s is locked: it can no longer be corrected")
            % {"record": record}
        )


def field_value(value: Any) -> str:
    """A raw value as the form shows it: lists comma-separated."""
    if isinstance(value, list):
        return ", ".join(field_value(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else ""
    return "" if value is None else str(value)


def parse_value(key: str, text: str) -> Any:
    text = (text or "").strip()
    if key in LIST_KEYS:
        return [parse_value("", part) for part in text.split(",") if part.strip()]
    if key == "exempt":
        return bool(text)
    if text == "":
        return None
    if _NUMBER.match(text):
        number = float(text.replace(",", "."))
        return int(number) if number.is_integer() and "." not in text else number
    return text


def edited_rows(record: YearlyRecord, form: dict[str, str]) -> list[SubjectAssessment]:
    """The record's rows with the form's values (unsaved copies)."""
    rows = []
    for row in record.assessments.all().order_by("subject_code", "term"):
        copy = SubjectAssessment(
            pk=row.pk,
            record=record,
            subject_code=row.subject_code,
            term=row.term,
            data=dict(row.data),
            comment=row.comment,
            entered_by_id=row.entered_by_id,
            source_school_id=row.source_school_id,
        )
        for key in row.data:
            name = f"row-{row.pk}-{key}"
            if name in form:
                value = parse_value(key, form[name])
                if field_names.same(value, row.data[key]):
                    continue  # "6.0" shown, "6.0" sent back: the stored value stays
                if value is None:
                    copy.data.pop(key, None)
                else:
                    copy.data[key] = value
        comment = form.get(f"row-{row.pk}-comment")
        if comment is not None:
            copy.comment = comment.strip()
        rows.append(copy)
    return rows


def preview(record: YearlyRecord, form: dict[str, str]) -> Preview:
    """What the edit changes: the raw data and the recomputed results."""
    check_open(record)
    rows = edited_rows(record, form)
    stored = {r.pk: r for r in record.assessments.all()}
    out = Preview(rows=rows)
    out.homeroom_comment = form.get("homeroom_comment", record.homeroom_comment).strip()
    for row in rows:
        out.data_changes += _row_changes(record, stored[row.pk], row)
    if out.homeroom_comment != record.homeroom_comment:
        out.data_changes.append(
            Change(
                _("Homeroom teacher's comment"),
                field_names.shown(record.homeroom_comment),
                field_names.shown(out.homeroom_comment),
                "homeroom_comment",
            )
        )
    try:
        results = assess(build_assessment_input(record, rows))
    except AssessmentInputError as exc:
        out.problems = [describe(problem) for problem in exc.problems]
        return out
    out.result_changes = [
        Change(
            field_names.result_field(path),
            field_names.shown_result(path, before),
            field_names.shown_result(path, after),
            ".".join(path),
        )
        for path, before, after in diff(record.results or {}, results)
        if not field_names.same(before, after)
    ]
    return out


def _row_changes(record, old: SubjectAssessment, new: SubjectAssessment):
    """The changed values of one row (and its comment), each by its name."""
    changes = diff(
        {**old.data, "comment": old.comment}, {**new.data, "comment": new.comment}
    )
    return [
        Change(
            field_names.data_field(record.level, new.subject_code, new.term, path[0]),
            field_names.shown(before),
            field_names.shown(after),
            f"{new.subject_code} {new.term} {path[0]}",
        )
        for path, before, after in changes
    ]


@transaction.atomic
def apply(record: YearlyRecord, form: dict[str, str], person) -> Preview:
    """Save the correction; the record goes back to draft and is recomputed."""
    record = YearlyRecord.objects.select_for_update().get(pk=record.pk)
    result = preview(record, form)
    if result.problems:
        raise CorrectionError(
            _("the corrected data is incomplete: %(problems)s")
            % {"problems": "; ".join(result.problems)}
        )
    if not result.changed:
        raise CorrectionError(_("nothing was changed"))
    stored = {r.pk: r for r in record.assessments.all()}
    for row in result.rows:
        old = stored[row.pk]
        if row.data != old.data or row.comment != old.comment:
            old.data, old.comment = row.data, row.comment
            old.entered_by = person
            old.save()
    record.refresh_from_db()
    if result.homeroom_comment != record.homeroom_comment:
        record.homeroom_comment = result.homeroom_comment
        record.save()
    record.recompute(save=True)
    return result
