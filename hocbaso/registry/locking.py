"""Locking a round: records become effective and final (domain.md §7, R10, R11).

Steps of ``lock_round``, in one transaction that first locks the ledger head (so no
submission is half-written or slips in while the lock runs; docs/registry.md):
1. the schools of the scope whose round is still open (a school is locked once);
2. refuse a lock time before the last acceptance or revocation it would cover;
3. per school: its current accepted submissions of the round, locked FOR UPDATE,
   and the records of the round that have none (missing);
4. one RoundLock, then per school a SchoolRoundLock, one ledger entry whose digest
   covers the list of its locked submissions, and ``locked_at`` on each submission
   and on its yearly record: the lock time is the records' effective date, and from
   then on the school side refuses any change to the record; ``school_locked`` is
   sent per school inside the transaction (the season stores the school's list of
   missing records with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.records.models import (
    Department,
    ManagementUnit,
    School,
    SchoolYear,
    YearlyRecord,
)
from hocbaso.registry import actors, entries, ids
from hocbaso.registry.auditing import record as audit
from hocbaso.registry.codes import EventType
from hocbaso.registry.errors import LockTimeError
from hocbaso.registry.ledger_log import LedgerSession, ledger_session
from hocbaso.registry.models import (
    RoundLock,
    SchoolRoundLock,
    ScopeKind,
    Submission,
)
from hocbaso.registry.rounds import Scope, expected_records, schools_in

CLOCK_SKEW = timedelta(minutes=5)

school_locked = Signal()
"""Sent with ``school_lock`` (a SchoolRoundLock) and ``missing`` (its
MissingRecords) inside the lock's transaction: a receiver's rows commit with it."""


@dataclass(frozen=True)
class MissingRecord:
    """A record of the round with no current submission (shown to staff only)."""

    school_code: str
    class_name: str
    grade: int
    student_code: str
    student_name: str


@dataclass(frozen=True)
class SchoolLock:
    school_code: str
    school_name: str
    locked: int
    missing: int
    locked_at: datetime
    already_locked: bool = False


@dataclass(frozen=True)
class LockResult:
    lock_id: str | None
    school_year: str
    round: str
    locked_at: datetime
    schools: tuple[SchoolLock, ...]
    missing_records: tuple[MissingRecord, ...]

    @property
    def locked(self) -> int:
        return sum(s.locked for s in self.schools if not s.already_locked)

    @property
    def missing(self) -> int:
        return len(self.missing_records)


@dataclass
class _Plan:
    school: School
    submissions: list[tuple[int, str, str]]  # pk, public id, packet SHA-256
    missing: list[MissingRecord]


def authorize(actor: actors.Actor, scope: Scope, on_date) -> None:
    if scope is None:
        actors.check_whole_registry(actor)
    elif isinstance(scope, School):
        actors.check_school(
            actor, scope, on_date, roles=actors.LOCKING_ROLES, department_too=True
        )
    elif isinstance(scope, ManagementUnit):
        actors.check_unit(actor, scope, on_date, department_too=True)
    else:
        actors.check_department(actor, scope, on_date)


def lock_round(
    school_year: SchoolYear,
    round_name: str,
    *,
    scope: Scope,
    actor: actors.Actor,
    at: datetime,
    current_time: datetime,
) -> LockResult:
    if at > current_time + CLOCK_SKEW:
        raise LockTimeError(_("A round cannot be locked in the future."))
    authorize(actor, scope, timezone.localdate(current_time))
    with transaction.atomic():
        with ledger_session(current_time) as ledger:
            schools = list(schools_in(scope, school_year, round_name).order_by("code"))
            done = _already_locked(schools, school_year, round_name)
            todo = [s for s in schools if s.pk not in done]
            _refuse_backdating(todo, school_year, round_name, at)
            plans = [_plan(s, school_year, round_name) for s in todo]
            lock = _write(plans, school_year, round_name, scope, actor, at, ledger)
    lines = [
        SchoolLock(p.school.code, p.school.name, len(p.submissions), len(p.missing), at)
        for p in plans
    ] + [_already(s, done[s.pk]) for s in schools if s.pk in done]
    return LockResult(
        lock.public_id if lock else None,
        school_year.name,
        round_name,
        at,
        tuple(sorted(lines, key=lambda line: line.school_code)),
        tuple(m for p in plans for m in p.missing),
    )


def _already(school: School, row: SchoolRoundLock) -> SchoolLock:
    return SchoolLock(
        school.code,
        school.name,
        row.locked_count,
        row.missing_count,
        row.locked_at,
        already_locked=True,
    )


def _already_locked(schools, school_year, round_name) -> dict[int, SchoolRoundLock]:
    rows = SchoolRoundLock.objects.filter(
        school__in=schools, school_year=school_year, round=round_name
    )
    return {row.school_id: row for row in rows}


def _refuse_backdating(schools, school_year, round_name, at: datetime) -> None:
    latest = Submission.objects.filter(
        record_school__in=schools, school_year=school_year, round=round_name
    ).aggregate(accepted=Max("accepted_at"), withdrawn=Max("withdrawn_at"))
    last = max((t for t in latest.values() if t is not None), default=None)
    if last is not None and at < last:
        raise LockTimeError(
            _("The lock time is before the last submission it would lock (%(last)s).")
            % {"last": timezone.localtime(last).isoformat()}
        )


def _plan(school: School, school_year: SchoolYear, round_name: str) -> _Plan:
    current = Submission.objects.select_for_update().filter(
        record_school=school,
        school_year=school_year,
        round=round_name,
        state=Submission.State.ACCEPTED,
        locked_at__isnull=True,
    )
    submissions = list(current.order_by("pk").values_list("pk", "public_id", "blob_id"))
    return _Plan(school, submissions, missing_of(school, school_year, round_name))


def missing_of(
    school: School, school_year: SchoolYear, round_name: str
) -> list[MissingRecord]:
    """The school's records of the round that have no current submission."""
    expected = expected_records(
        School.objects.filter(pk=school.pk), school_year, round_name
    )
    without = expected.exclude(
        pk__in=Submission.objects.filter(
            record__in=expected, state=Submission.State.ACCEPTED
        ).values("record_id")
    ).select_related("school_class", "transcript__student")
    return [
        MissingRecord(
            school.code,
            r.school_class.name,
            r.grade,
            r.transcript.student.student_code,
            r.transcript.student.full_name,
        )
        for r in without.order_by(
            "school_class__name", "transcript__student__full_name"
        )
    ]


def _write(
    plans: list[_Plan],
    school_year: SchoolYear,
    round_name: str,
    scope: Scope,
    actor: actors.Actor,
    at: datetime,
    ledger: LedgerSession,
) -> RoundLock | None:
    if not plans:
        return None
    lock = RoundLock.objects.create(
        public_id=ids.new_lock_id(),
        school_year=school_year,
        round=round_name,
        **_scope_fields(scope),
        locked_at=at,
        locked_count=sum(len(p.submissions) for p in plans),
        missing_count=sum(len(p.missing) for p in plans),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
    )
    for plan in plans:
        _lock_school(plan, lock, ledger)
    audit(
        EventType.ROUND_LOCK,
        actor,
        at,
        object_type="lock",
        object_id=lock.public_id,
        school_id=scope.pk if isinstance(scope, School) else None,
        detail={
            "school_year": school_year.name,
            "round": round_name,
            "schools": len(plans),
            "locked": lock.locked_count,
            "missing": lock.missing_count,
        },
    )
    return lock


def _scope_fields(scope: Scope) -> dict:
    if scope is None:
        return {"scope": ScopeKind.REGISTRY}
    if isinstance(scope, School):
        return {"scope": ScopeKind.SCHOOL, "school": scope}
    if isinstance(scope, ManagementUnit):
        return {"scope": ScopeKind.UNIT, "unit": scope}
    assert isinstance(scope, Department)
    return {"scope": ScopeKind.DEPARTMENT, "department": scope}


def _lock_school(plan: _Plan, lock: RoundLock, ledger: LedgerSession) -> None:
    listing = entries.lock_listing((sid, sha) for _pk, sid, sha in plan.submissions)
    digest = entries.sha256_hex(listing)
    index = ledger.append(
        entries.lock_entry(
            school_year=lock.school_year.name,
            round_name=lock.round,
            school_id=plan.school.pk,
            lock_id=lock.public_id,
            digest_hex=digest,
            locked_at=lock.locked_at,
        )
    )
    school_lock = SchoolRoundLock.objects.create(
        lock=lock,
        school=plan.school,
        school_year=lock.school_year,
        round=lock.round,
        locked_at=lock.locked_at,
        locked_count=len(plan.submissions),
        missing_count=len(plan.missing),
        digest=digest,
        ledger_index=index,
    )
    school_locked.send(SchoolRoundLock, school_lock=school_lock, missing=plan.missing)
    ids_ = [pk for pk, _sid, _sha in plan.submissions]
    for start in range(0, len(ids_), 1000):
        chunk = Submission.objects.filter(pk__in=ids_[start : start + 1000])
        chunk.update(locked_at=lock.locked_at, lock=school_lock)
        # The school side's records freeze with them (docs/security.md).
        YearlyRecord.objects.filter(pk__in=chunk.values("record_id")).update(
            locked_at=lock.locked_at
        )
