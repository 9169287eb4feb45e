"""Locking rounds at the deadline or early; the lock time is the effective date."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from hocbaso.ledger import Entry, Event
from hocbaso.records.models import Round, YearlyRecord
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.entries import lock_listing, sha256_hex
from hocbaso.registry.errors import LockTimeError, NotAllowedError
from hocbaso.registry.models import LedgerEntry, SchoolRoundLock, Submission
from hocbaso.registry.tests.conftest import at
from hocbaso.registry.tests.helpers import current, submit


def _submit_all(district, clock, round_name=Round.MAIN):
    for school_class in (district.primary, district.secondary, district.other_primary):
        actor = Actor.of_user(district.user(school_class.school))
        for record in district.records(school_class, round_name):
            view = submit(district, record, actor, clock)
            assert view.records[0].accepted, view.records[0].problems


def _expected_missing(district, school, round_name=Round.MAIN):
    main = YearlyRecord.objects.filter(
        school=school, school_year=district.year, round=round_name
    )
    submitted = Submission.objects.filter(state="accepted").values("record")
    return main.exclude(pk__in=submitted).count()


def test_the_lock_at_the_deadline_makes_every_accepted_record_effective(
    district, db, clock, system
):
    _submit_all(district, clock)
    deadline = district.main_deadline()

    result = actions.lock_round(
        district.year.name, "main", actor=system, clock=at(deadline)
    )

    accepted = Submission.objects.filter(state="accepted", round="main")
    assert accepted.count() == result.locked == 6
    assert set(accepted.values_list("locked_at", flat=True)) == {deadline}
    assert result.locked_at == deadline
    school = district.primary.school
    (line,) = [s for s in result.schools if s.school_code == school.code]
    assert line.missing == _expected_missing(district, school) > 0
    assert result.missing == sum(s.missing for s in result.schools)
    assert {m.school_code for m in result.missing_records} >= {school.code}


def test_the_lock_entry_in_the_ledger_covers_the_list_of_locked_submissions(
    district, db, clock, system
):
    _submit_all(district, clock)

    actions.lock_round(district.year, "main", actor=system, clock=clock)

    row = SchoolRoundLock.objects.get(school=district.primary.school)
    entry = Entry.from_bytes(
        bytes(LedgerEntry.objects.get(index=row.ledger_index).data)
    )
    locked = Submission.objects.filter(lock=row).values_list("public_id", "blob_id")
    assert entry.event is Event.ROUND_LOCK
    assert entry.digest.hex() == sha256_hex(lock_listing(locked)) == row.digest
    assert entry.time == district.open_at


def test_a_principal_locks_the_school_early_and_the_deadline_lock_skips_it(
    district, db, clock, system
):
    _submit_all(district, clock)
    school = district.primary.school
    principal = Actor.of_user(district.user(school, "principal"))

    early = actions.lock_round(
        district.year, "main", scope=school, actor=principal, clock=clock
    )
    others = Submission.objects.exclude(record_school=school)
    assert others.filter(locked_at__isnull=False).count() == 0

    later = at(district.main_deadline())
    result = actions.lock_round(district.year, "main", actor=system, clock=later)

    (mine,) = [s for s in result.schools if s.school_code == school.code]
    assert mine.already_locked and mine.locked_at == district.open_at
    assert early.locked == 3 and result.locked == 3
    assert set(
        Submission.objects.filter(record_school=school).values_list(
            "locked_at", flat=True
        )
    ) == {district.open_at}


def test_a_unit_officer_locks_the_schools_of_the_unit(district, db, clock):
    _submit_all(district, clock)
    school = district.primary.school
    unit = school.unit_on(district.year.main_lock_date)
    officer = Actor.of_user(district.unit_officer(unit))

    result = actions.lock_round(
        district.year, "main", scope=unit, actor=officer, clock=clock
    )

    assert school.code in {s.school_code for s in result.schools}
    assert current(district.records(district.primary, Round.MAIN)[0]).locked_at


def test_a_clerk_cannot_lock_and_a_principal_cannot_lock_another_school(
    district, db, clock, primary_clerk
):
    other = Actor.of_user(district.user(district.other_primary.school, "principal"))
    with pytest.raises(NotAllowedError):
        actions.lock_round(
            district.year,
            "main",
            scope=district.primary.school,
            actor=primary_clerk,
            clock=clock,
        )
    with pytest.raises(NotAllowedError):
        actions.lock_round(
            district.year,
            "main",
            scope=district.primary.school,
            actor=other,
            clock=clock,
        )
    with pytest.raises(NotAllowedError):
        actions.lock_round(district.year, "main", actor=other, clock=clock)


def test_a_lock_in_the_future_or_before_the_last_submission_is_refused(
    district, db, clock, system
):
    _submit_all(district, clock)
    with pytest.raises(LockTimeError):
        actions.lock_round(
            district.year,
            "main",
            actor=system,
            at=district.open_at + dt.timedelta(days=1),
            clock=clock,
        )
    with pytest.raises(LockTimeError) as caught:
        actions.lock_round(
            district.year,
            "main",
            actor=system,
            at=district.open_at - dt.timedelta(hours=1),
            clock=clock,
        )
    assert caught.value.code == "INVALID_LOCK_TIME"


def test_the_supplementary_lock_leaves_the_main_round_alone(
    district, db, clock, system, primary_clerk
):
    _submit_all(district, clock)
    (late_record,) = district.records(district.primary, Round.SUPPLEMENTARY)
    summer = district.main_deadline() + dt.timedelta(days=30)
    submit(district, late_record, primary_clerk, at(summer))

    result = actions.lock_round(
        district.year, "supplementary", actor=system, clock=at(summer)
    )

    assert result.locked == 1
    assert current(late_record).locked_at == summer
    assert not Submission.objects.filter(round="main", locked_at__isnull=False)


def test_the_lock_command_prints_what_it_locked_and_what_is_missing(
    district, db, clock, monkeypatch
):
    _submit_all(district, clock)
    monkeypatch.setattr("hocbaso.registry.clock.system_clock", lambda: district.open_at)
    out = io.StringIO()

    call_command(
        "lock",
        "--year",
        district.year.name,
        "--round",
        "main",
        "--school",
        district.primary.school.code,
        "--at",
        district.open_at.isoformat(),
        stdout=out,
    )

    text = out.getvalue()
    assert "3 records locked" in text
    assert district.primary.school.code in text and "missing" in text


def test_the_lock_command_refuses_an_unknown_school_in_one_line(district, db):
    with pytest.raises(CommandError) as caught:
        call_command(
            "lock", "--year", district.year.name, "--round", "main", "--school", "NOPE"
        )
    assert "NOT_FOUND" in str(caught.value)


def test_a_department_officer_locks_a_school_but_never_submits_for_it(
    district, db, clock
):
    from hocbaso.records.models import Appointment

    officer = (
        Appointment.objects.filter(role="department_officer", school_year=district.year)
        .select_related("person__user")
        .first()
        .person.user
    )
    actor = Actor.of_user(officer)
    record = district.records(district.primary, Round.MAIN)[0]
    with pytest.raises(NotAllowedError):
        submit(district, record, actor, clock)

    result = actions.lock_round(
        district.year, "main", scope=record.school, actor=actor, clock=clock
    )

    assert [s.school_code for s in result.schools] == [record.school.code]


def test_the_school_sees_its_missing_records_before_the_lock(
    district, db, clock, primary_clerk, other_clerk
):
    _submit_all(district, clock)
    school = district.primary.school

    missing = actions.missing_records(
        district.year, "main", scope=school, actor=primary_clerk, clock=clock
    )

    assert len(missing) == _expected_missing(district, school)
    assert {m.school_code for m in missing} == {school.code}
    with pytest.raises(NotAllowedError):
        actions.missing_records(
            district.year, "main", scope=school, actor=other_clerk, clock=clock
        )
