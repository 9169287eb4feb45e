"""Every write of the rollout duties: one atomic function each, with its audit row.

Who may call which is decided by the views (``parties``); these functions
check the state under a row lock, so two officers answering at once, or a
reply racing the school's close, leave one consistent story. Refusals raise
``RolloutError`` with a stable code; the pages choose the words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from hocbaso.records.models import Department, School, SchoolYear
from hocbaso.rollout.models import (
    Difficulty,
    EventType,
    Message,
    ReadinessDue,
    ReadinessReport,
    RolloutEvent,
    Side,
    Status,
)
from hocbaso.rollout.parties import label_of


class RolloutError(Exception):
    """A duty's write refused; ``code`` is stable (``DIFFICULTY_CLOSED``…)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _event(user, action: EventType, obj, school: School | None, **detail: Any):
    RolloutEvent.objects.create(
        at=timezone.now(),
        action=action,
        actor_user=user,
        actor_label=label_of(user),
        school=school,
        object_type=type(obj).__name__,
        object_id=str(obj.pk),
        detail=detail,
    )


@transaction.atomic
def report_readiness(
    user,
    school: School,
    year: SchoolYear,
    item: str,
    *,
    done: bool,
    done_on: dt.date | None,
    note: str,
) -> ReadinessReport:
    """The school declares one item (done or not, the date done, a note)."""
    # The school's row serialises two first declarations of the same item,
    # which would otherwise both find no report and collide on the insert.
    School.objects.select_for_update().filter(pk=school.pk).first()
    report = (
        ReadinessReport.objects.select_for_update()
        .filter(school=school, school_year=year, item=item)
        .first()
    )
    before = _declared(report)
    if report is None:
        report = ReadinessReport(school=school, school_year=year, item=item)
    report.done, report.done_on, report.note = done, done_on, note
    report.updated_at, report.updated_by = timezone.now(), user
    report.save()
    _event(
        user,
        EventType.READINESS_REPORT,
        report,
        school,
        year=year.name,
        item=item,
        before=before,
        after=_declared(report),
    )
    return report


def _declared(report: ReadinessReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    done_on = report.done_on.isoformat() if report.done_on else None
    return {"done": report.done, "done_on": done_on, "note": report.note}


@transaction.atomic
def set_due(
    user, department: Department, year: SchoolYear, item: str, due_on: dt.date
) -> None:
    """The department sets one item's due date for its schools in ``year``."""
    due, _created = ReadinessDue.objects.select_for_update().update_or_create(
        department=department, school_year=year, item=item, defaults={"due_on": due_on}
    )
    _event(
        user,
        EventType.READINESS_DUE,
        due,
        None,
        department=department.code,
        year=year.name,
        item=item,
        due_on=due_on.isoformat(),
    )


@transaction.atomic
def open_difficulty(
    user, school: School, *, heading: str, category: str, text: str
) -> Difficulty:
    now = timezone.now()
    difficulty = Difficulty.objects.create(
        school=school,
        heading=heading,
        category=category,
        opened_at=now,
        updated_at=now,
    )
    _message(user, difficulty, Side.SCHOOL, text, now)
    _event(user, EventType.DIFFICULTY_OPEN, difficulty, school, category=category)
    return difficulty


def _message(user, difficulty: Difficulty, side: str, text: str, now) -> Message:
    return Message.objects.create(
        difficulty=difficulty,
        side=side,
        author=user,
        author_label=label_of(user),
        text=text,
        at=now,
    )


def _locked_open(difficulty: Difficulty) -> Difficulty:
    """The difficulty's row, locked; refused once closed (closing is final)."""
    row = Difficulty.objects.select_for_update().get(pk=difficulty.pk)
    if row.status == Status.CLOSED:
        raise RolloutError("DIFFICULTY_CLOSED")
    return row


def _write(user, difficulty, side, text, status, action) -> Difficulty:
    row = _locked_open(difficulty)
    now = timezone.now()
    message = _message(user, row, side, text, now) if text else None
    before = row.status
    row.status, row.updated_at = status, now
    row.save(update_fields=["status", "updated_at"])
    _event(
        user,
        action,
        row,
        row.school,
        side=side,
        before=before,
        after=status,
        message=message.pk if message else None,
    )
    return row


@transaction.atomic
def answer(user, difficulty: Difficulty, side: str, text: str) -> Difficulty:
    """The unit or the department answers: the difficulty is answered."""
    return _write(
        user, difficulty, side, text, Status.ANSWERED, EventType.DIFFICULTY_ANSWER
    )


@transaction.atomic
def reply(user, difficulty: Difficulty, text: str) -> Difficulty:
    """The school writes again: the difficulty is open again until answered."""
    return _write(
        user, difficulty, Side.SCHOOL, text, Status.OPEN, EventType.DIFFICULTY_REPLY
    )


@transaction.atomic
def close(user, difficulty: Difficulty) -> Difficulty:
    """The school closes its difficulty; nothing more is written to it."""
    return _write(
        user, difficulty, Side.SCHOOL, "", Status.CLOSED, EventType.DIFFICULTY_CLOSE
    )
