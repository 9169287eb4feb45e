"""The department's page of rounds, deadlines and locks (docs/registry.md,
"Deadlines by themselves"): what each page shows, who may open it, and the move of
a lock deadline. Locking early is the registry's own action, called by the views
exactly as the API calls it.

- A department officer (or a superuser) sees every school year's rounds: the lock
  deadline in Vietnam time, the scheduled lock task's state, the locks made and
  the missing lists stored at each lock, per management unit and school; they
  may lock a scope early and move a deadline that has not passed.
- A management-unit officer sees the missing lists of their units' schools, read
  only.
- Anyone else is refused (403), and so is a department officer naming an
  organisation of another department.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django_tasks_db.models import DBTaskResult

from hocbaso.records.models import (
    Appointment,
    Department,
    ManagementUnit,
    Role,
    Round,
    School,
    SchoolYear,
)
from hocbaso.records.models.organisations import unit_of
from hocbaso.registry import rounds
from hocbaso.registry.actors import Actor
from hocbaso.registry.auditing import record as audit
from hocbaso.registry.clock import now
from hocbaso.registry.codes import EventType
from hocbaso.registry.models import AuditEvent, RoundLock
from hocbaso.season.models import DeadlineSchedule, MissingAtLock


@dataclass(frozen=True)
class Officer:
    """What the user may see and do here."""

    user: object
    departments: QuerySet[Department]
    units: QuerySet[ManagementUnit]
    everything: bool

    @property
    def acts(self) -> bool:
        """Department officers act; unit officers only read."""
        return self.everything or self.departments.exists()

    def schools(self) -> QuerySet[School]:
        if self.everything:
            return School.objects.all()
        if self.acts:
            return School.objects.filter(department__in=self.departments)
        return School.objects.filter(unit_periods__unit__in=self.units).distinct()


def officer_of(user) -> Officer:
    """The user as an officer of departments or units; 403 for anyone else."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied
    appointments = Appointment.objects.filter(
        person__user=user, school_year__in=SchoolYear.objects.active()
    )
    departments = Department.objects.filter(
        pk__in=appointments.filter(role=Role.DEPARTMENT_OFFICER).values("department")
    )
    units = ManagementUnit.objects.filter(
        pk__in=appointments.filter(role=Role.UNIT_OFFICER).values("unit")
    )
    found = Officer(user, departments, units, bool(user.is_superuser))
    if not (found.everything or departments.exists() or units.exists()):
        raise PermissionDenied
    return found


def acting(user) -> Officer:
    """A department officer; 403 for a unit officer (their view is read-only)."""
    officer = officer_of(user)
    if not officer.acts:
        raise PermissionDenied
    return officer


def scope_named(officer: Officer, kind: str, code: str):
    """The department, unit or school to lock, if it is of the officer's
    department; 403 otherwise (another department's, or unknown)."""
    model = {"department": Department, "unit": ManagementUnit, "school": School}
    if kind not in model:
        raise PermissionDenied
    found = model[kind].objects.filter(code=code).first()
    if found is None or not (officer.everything or _own(officer, found)):
        raise PermissionDenied
    return found


def _own(officer: Officer, organisation) -> bool:
    departments = officer.departments
    if isinstance(organisation, Department):
        return departments.filter(pk=organisation.pk).exists()
    return departments.filter(pk=organisation.department_id).exists()


# --- what the page shows -----------------------------------------------------


@dataclass(frozen=True)
class RoundRow:
    year: SchoolYear
    round: str
    deadline: dt.datetime  # the instant it passes
    passed: bool
    schedule: str  # scheduled, done, moved, failed, not scheduled
    moves: list[AuditEvent]
    locks: list[RoundLock]
    missing: list[tuple[str, list[MissingAtLock]]]  # per unit name

    @property
    def round_label(self) -> str:
        """The round's name as the page says it (Đợt chính, Đợt bổ sung)."""
        return str(Round(self.round).label)

    @property
    def last_minute(self) -> dt.datetime:
        """The deadline as read: its day's last minute (shown in Vietnam time)."""
        return self.deadline - dt.timedelta(seconds=1)


def rounds_of(officer: Officer, years: QuerySet[SchoolYear]) -> list[RoundRow]:
    current = now(None)
    schools = officer.schools()
    rows = []
    for year in years:
        for round_name in rounds.ROUNDS:
            deadline = rounds.lock_deadline(year, round_name)
            moves = _moves(year, round_name.value)
            rows.append(
                RoundRow(
                    year,
                    round_name.value,
                    deadline,
                    current >= deadline,
                    _schedule_state(year, round_name.value, deadline, moves),
                    moves,
                    _locks(officer, year, round_name.value),
                    _missing(officer, schools, year, round_name.value),
                )
            )
    return rows


def _schedule_state(year, round_name: str, deadline, moves) -> str:
    row = DeadlineSchedule.objects.filter(
        school_year=year, round=round_name, kind=DeadlineSchedule.Kind.LOCK
    ).first()
    if row is None or row.run_at != deadline:
        return "not scheduled"
    task = DBTaskResult.objects.filter(pk=row.task_id or None).first()
    status = str(task.status) if task is not None else ""
    if status == "SUCCESSFUL":
        return "done"
    if status == "FAILED":
        return "failed"
    return "moved" if moves else "scheduled"


def _moves(year, round_name: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=EventType.ROUND_DEADLINE,
            object_id=year.name,
            detail__round=round_name,
        ).order_by("at")
    )


def _locks(officer: Officer, year, round_name: str) -> list[RoundLock]:
    found = RoundLock.objects.filter(school_year=year, round=round_name)
    if not officer.acts:
        return []  # a unit officer reads the missing lists only
    return list(found.select_related("unit", "school", "department").order_by("pk"))


def _missing(officer: Officer, schools, year, round_name: str):
    """Per unit that managed the school at its lock: a unit officer reads only
    their units' (a school moved between units keeps its list where it was)."""
    mine = None if officer.acts else set(officer.units.values_list("pk", flat=True))
    rows = (
        MissingAtLock.objects.filter(
            school__in=schools, school_year=year, round=round_name
        )
        .select_related("school")
        .order_by("school__code")
    )
    grouped: dict[str, list[MissingAtLock]] = {}
    for row in rows:
        unit = unit_of(row.school, row.locked_at.date())
        if mine is not None and (unit is None or unit.pk not in mine):
            continue
        grouped.setdefault(unit.name if unit else "", []).append(row)
    return sorted(grouped.items())


# --- moving a deadline ---------------------------------------------------------


class MoveRefused(Exception):
    """A move refused; ``code`` is stable, the view chooses the words."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def may_move(officer: Officer) -> bool:
    """The calendar is the installation's: moving it is for an officer of every
    department it holds (one in a department's installation), not of one of them."""
    if officer.everything:
        return True
    return not Department.objects.exclude(pk__in=officer.departments).exists()


def check_move(year: SchoolYear, round_name: str, day: dt.date) -> None:
    """Refuse a move that would not keep the calendar in order or the past as
    it was: the current deadline not passed, the new one in the future, before
    the round's report deadline, and the supplementary round after the main."""
    current = now(None)
    field = f"{Round(round_name).value}_lock_date"
    if current >= year.deadline(field):
        raise MoveRefused("PASSED")
    if day == getattr(year, field):
        raise MoveRefused("UNCHANGED")
    moved = _with(year, field, day)
    if current >= moved.deadline(field):
        raise MoveRefused("IN_THE_PAST")
    report = moved.deadline(f"{Round(round_name).value}_report_date")
    if moved.deadline(field) > report:
        raise MoveRefused("AFTER_REPORT", report=report)
    if moved.main_lock_date >= moved.supplementary_lock_date:
        raise MoveRefused("ROUNDS_OUT_OF_ORDER")


def _with(year: SchoolYear, field: str, day: dt.date) -> SchoolYear:
    copy = SchoolYear(
        **{f.attname: getattr(year, f.attname) for f in year._meta.fields}
    )
    setattr(copy, field, day)
    return copy


def move_deadline(user, year: SchoolYear, round_name: str, day: dt.date) -> None:
    """Move the round's lock deadline: the year's row locked and checked again,
    saved (which schedules the new deadline's tasks, ``deadlines.schedule_year``)
    and audited, in one transaction."""
    field = f"{Round(round_name).value}_lock_date"
    with transaction.atomic():
        locked = SchoolYear.objects.select_for_update().get(pk=year.pk)
        check_move(locked, round_name, day)
        before = getattr(locked, field)
        setattr(locked, field, day)
        locked.save()
        audit(
            EventType.ROUND_DEADLINE,
            Actor.of_user(user),
            now(None),
            object_type="school_year",
            object_id=locked.name,
            detail={
                "round": Round(round_name).value,
                "from": before.isoformat(),
                "to": day.isoformat(),
            },
        )


def locked_schools(year: SchoolYear, round_name: str) -> QuerySet:
    from hocbaso.registry.models import SchoolRoundLock

    return SchoolRoundLock.objects.filter(school_year=year, round=round_name).values(
        "school_id"
    )
