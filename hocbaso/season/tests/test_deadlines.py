"""Deadlines by themselves: a school year's calendar schedules its locks and
reminders; at the deadline the round locks with no command; a moved deadline
leaves its old task with nothing to do."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from hocbaso.records.models import Appointment, Role, Round, SchoolYear
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.models import AuditEvent, SchoolRoundLock, Submission
from hocbaso.registry.rounds import lock_deadline
from hocbaso.registry.tests.helpers import submit
from hocbaso.season import tasks
from hocbaso.season.deadlines import SCHEDULER
from hocbaso.season.models import DeadlineSchedule, MissingAtLock, Reminder
from hocbaso.season.reminders import missing_lists
from hocbaso.season.tests.support import run_ready, waiting

SECOND = dt.timedelta(seconds=1)


def _submitted(district, clock, clerk):
    record = district.records(district.primary, Round.MAIN)[0]
    tasks.answer_later(submit(district, record, clerk, clock, process=False))
    assert run_ready() == ["answer_packets"]
    return record


def test_setting_the_calendar_schedules_the_locks_and_reminders(district, clock, queue):
    district.year.save()

    locks = waiting("lock_at_deadline")
    assert [t.run_after for t in locks] == [
        lock_deadline(district.year, Round.MAIN),
        lock_deadline(district.year, Round.SUPPLEMENTARY),
    ]
    main = lock_deadline(district.year, Round.MAIN)
    reminders = [t.run_after for t in waiting("remind_before")][:2]
    assert reminders == [main - dt.timedelta(days=7), main - dt.timedelta(days=1)]
    stored = DeadlineSchedule.objects.get(round=Round.MAIN, kind="lock")
    assert stored.task_id == str(locks[0].id)
    district.year.save()  # saved again unchanged: nothing more
    assert len(waiting("lock_at_deadline")) == 2


def test_the_deadline_passing_locks_the_round_with_no_command(
    district, clock, queue, primary_clerk
):
    district.year.save()
    record = _submitted(district, clock, primary_clerk)
    deadline = lock_deadline(district.year, Round.MAIN)

    assert run_ready() == []  # ten days before: nothing is due
    clock.set(deadline + SECOND)
    ran = run_ready()

    assert ran == ["remind_before", "remind_before", "lock_at_deadline"]
    submission = Submission.objects.get(record=record)
    assert submission.locked_at == deadline
    school_lock = SchoolRoundLock.objects.get(
        school=record.school, school_year=district.year, round=Round.MAIN
    )
    assert school_lock.locked_count == 1
    event = AuditEvent.objects.get(action="round:lock")
    assert event.actor_label == "system:deadline"
    missing = MissingAtLock.objects.get(school=record.school, round=Round.MAIN)
    assert missing.count == school_lock.missing_count > 0
    assert missing.lock_id == school_lock.lock.public_id
    shown = missing_lists([record.school], district.year, Round.MAIN)
    assert [m.count for m in shown] == [missing.count]
    assert {r["student_code"] for r in missing.records} == {
        m.student_code
        for m in actions.missing_records(
            district.year, Round.MAIN, scope=record.school, actor=SCHEDULER
        )
    }
    assert len(waiting("lock_at_deadline")) == 1  # the supplementary round's
    assert actions.verify_ledger().ok


def test_a_moved_deadline_leaves_its_old_task_nothing_to_do(
    district, clock, queue, primary_clerk
):
    year = SchoolYear.objects.get(pk=district.year.pk)  # the fixture's stays as is
    year.save()
    record = _submitted(district, clock, primary_clerk)
    old = lock_deadline(year, Round.MAIN)
    year.main_lock_date += dt.timedelta(days=2)
    year.save()

    clock.set(old + SECOND)
    run_ready()
    assert not SchoolRoundLock.objects.exists()
    assert Submission.objects.get(record=record).locked_at is None

    clock.set(lock_deadline(year, Round.MAIN) + SECOND)
    run_ready()
    assert Submission.objects.get(record=record).locked_at == lock_deadline(
        year, Round.MAIN
    )
    schedule = DeadlineSchedule.objects.get(
        school_year=year, round=Round.MAIN, kind="lock"
    )
    assert schedule.run_at == lock_deadline(year, Round.MAIN)


def test_a_round_locked_early_is_left_as_it_is_at_the_deadline(
    district, clock, queue, primary_clerk
):
    district.year.save()
    record = _submitted(district, clock, primary_clerk)
    early = actions.lock_round(
        district.year,
        Round.MAIN,
        scope=record.school,
        actor=Actor.system("tests"),
        clock=clock,
    )

    clock.set(lock_deadline(district.year, Round.MAIN) + SECOND)
    run_ready()

    school_lock = SchoolRoundLock.objects.get(school=record.school, round=Round.MAIN)
    assert school_lock.lock.public_id == early.lock_id
    assert Submission.objects.get(record=record).locked_at == early.locked_at
    assert MissingAtLock.objects.get(school=record.school).lock_id == early.lock_id


def test_schools_with_missing_records_are_reminded_once(
    district, clock, queue, mailoutbox
):
    school = district.primary.school
    people = Appointment.objects.filter(
        school=school, school_year=district.year, role__in=[Role.PRINCIPAL, Role.CLERK]
    ).select_related("person__user")
    for n, appointment in enumerate(people):
        appointment.person.user.email = f"staff{n}@truong.example"
        appointment.person.user.save()
    addresses = sorted(f"staff{n}@truong.example" for n in range(len(people)))
    district.year.save()
    (first, _second) = waiting("remind_before")[:2]
    clock.set(first.run_after + SECOND)

    run_ready()
    tasks.remind_before.call(*first.args_kwargs["args"])  # run again: no new mail

    reminder = Reminder.objects.get(school=school, round=Round.MAIN, days_before=7)
    assert reminder.recipients == addresses and reminder.missing > 0
    to_school = [m for m in mailoutbox if m.to == addresses]
    assert len(to_school) == 1
    assert to_school[0].subject.startswith(f"{school.name}: {reminder.missing} hồ sơ")
    assert "23:59 30/06" in to_school[0].body


def test_a_deadline_already_passed_is_not_scheduled(district, clock, queue):
    clock.set(lock_deadline(district.year, Round.SUPPLEMENTARY) + SECOND)

    district.year.save()

    assert waiting("lock_at_deadline") == []
    assert not DeadlineSchedule.objects.exists()


def test_the_inline_engine_of_the_tests_schedules_nothing(district, clock):
    district.year.save()

    assert not DeadlineSchedule.objects.exists()
    assert mail.outbox == []


def test_a_reminder_day_no_longer_configured_sends_nothing(
    district, clock, queue, settings
):
    district.year.save()
    (first, _second) = waiting("remind_before")[:2]
    settings.HOCBASO_REMINDER_DAYS = (1,)
    clock.set(first.run_after + SECOND)

    assert tasks.remind_before.call(*first.args_kwargs["args"]) == {
        "skipped": "no reminder that many days before"
    }
    assert not Reminder.objects.exists()
