"""The department's page of rounds, deadlines and locks, by URL with personas:
the department officer locks early and moves a deadline (each asked twice), the
unit officer reads the missing lists, school staff are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from hocbaso.records.models import Role, Round, SchoolYear
from hocbaso.records.models.organisations import unit_of
from hocbaso.registry.models import AuditEvent, RoundLock, SchoolRoundLock, Submission
from hocbaso.registry.rounds import lock_deadline
from hocbaso.registry.tests.api_support import staff
from hocbaso.registry.tests.helpers import submit
from hocbaso.season.models import DeadlineSchedule, MissingAtLock
from hocbaso.season.tests.support import waiting

PAGE = "/season/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer(district):
    return _client(staff(district, Role.DEPARTMENT_OFFICER))


def _lock_form(district, school, **more):
    return {
        "year": district.year.name,
        "round": "main",
        "scope": "school",
        "code": school.code,
        **more,
    }


def test_the_department_officer_sees_the_rounds_school_staff_are_refused(
    district, clock, officer
):
    page = officer.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert f"round-{district.year.name}-main" in text
    assert "23:59 " + district.year.main_lock_date.strftime("%d/%m/%Y") in text
    # the rounds by their names, never their codes
    assert f"Năm học {district.year.name}, Đợt chính (trước 30/6)" in text
    assert "đợt main" not in text and "đợt supplementary" not in text
    school = district.primary.school
    principal = _client(district.user(school, Role.PRINCIPAL))
    assert principal.get(PAGE).status_code == 403
    assert (
        principal.post(PAGE + "lock/", _lock_form(district, school)).status_code == 403
    )
    assert Client().get(PAGE).status_code == 302  # to the login


def test_locking_early_asks_first_then_locks_what_the_api_would(
    district, clock, officer, primary_clerk
):
    school = district.primary.school
    record = district.records(district.primary, Round.MAIN)[0]
    submit(district, record, primary_clerk, clock)

    asked = officer.post(PAGE + "lock/", _lock_form(district, school))
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in (
        asked.content.decode()
    )
    assert not SchoolRoundLock.objects.exists()  # nothing before the confirmation

    done = officer.post(PAGE + "lock/", _lock_form(district, school, confirm="yes"))
    assert done.status_code == 302
    lock = RoundLock.objects.get()
    assert (lock.scope, lock.school, lock.locked_count) == ("school", school, 1)
    assert lock.actor_label.startswith("user:")
    assert Submission.objects.get(record=record).locked_at == lock.locked_at
    event = AuditEvent.objects.get(action="round:lock")
    assert event.object_id == lock.public_id
    missing = MissingAtLock.objects.get(school=school)
    assert missing.count == lock.missing_count
    shown = officer.get(PAGE).content.decode()
    assert lock.actor_label in shown and school.name in shown


def test_the_unit_officer_reads_the_missing_lists_and_may_not_lock(
    district, clock, officer
):
    school = district.primary.school
    unit = unit_of(school, clock().date())
    officer.post(PAGE + "lock/", _lock_form(district, school, confirm="yes"))
    reader = _client(district.unit_officer(unit))

    page = reader.get(PAGE).content.decode()
    student = MissingAtLock.objects.get(school=school).records[0]["student_code"]
    assert student in page and 'action="/season/lock/"' not in page
    form = _lock_form(district, school, confirm="yes")
    assert reader.post(PAGE + "lock/", form).status_code == 403


def test_an_organisation_not_of_the_officers_department_is_refused(
    district, clock, officer
):
    for scope, code in [("school", "NOPE"), ("unit", "NOPE"), ("department", "NOPE")]:
        form = _lock_form(district, district.primary.school, scope=scope, code=code)
        assert officer.post(PAGE + "lock/", form).status_code == 403
    assert not RoundLock.objects.exists()


def _move(client, year, day: dt.date, **more):
    form = {"year": year.name, "round": "main", "date": day.isoformat(), **more}
    return client.post(PAGE + "deadline/", form)


def test_moving_a_deadline_asks_first_then_reschedules_the_lock(
    district, clock, queue, officer
):
    year = SchoolYear.objects.get(pk=district.year.pk)
    year.save()  # scheduled
    later = year.main_lock_date + dt.timedelta(days=2)

    asked = _move(officer, year, later)
    assert asked.status_code == 200 and "confirm-move" in asked.content.decode()
    year.refresh_from_db()
    assert year.main_lock_date == later - dt.timedelta(days=2)

    assert _move(officer, year, later, confirm="yes").status_code == 302
    year.refresh_from_db()
    assert year.main_lock_date == later
    schedule = DeadlineSchedule.objects.get(school_year=year, round="main", kind="lock")
    assert schedule.run_at == lock_deadline(year, Round.MAIN)
    assert lock_deadline(year, Round.MAIN) in [
        t.run_after for t in waiting("lock_at_deadline")
    ]
    event = AuditEvent.objects.get(action="round:deadline")
    assert event.detail == {
        "round": "main",
        "from": (later - dt.timedelta(days=2)).isoformat(),
        "to": later.isoformat(),
    }
    assert 'data-state="moved"' in officer.get(PAGE).content.decode()


def test_a_deadline_is_not_moved_into_the_past_nor_after_the_report(
    district, clock, officer
):
    year = SchoolYear.objects.get(pk=district.year.pk)
    before = year.main_lock_date
    yesterday = clock().date() - dt.timedelta(days=1)
    for day, words in [
        (yesterday, "Hạn mới phải ở tương lai."),
        (year.main_report_date + dt.timedelta(days=1), "sau hạn báo cáo của đợt"),
    ]:
        refused = _move(officer, year, day, confirm="yes")
        assert refused.status_code == 302
        assert words in officer.get(PAGE).content.decode()
    year.refresh_from_db()
    assert year.main_lock_date == before
    assert not AuditEvent.objects.filter(action="round:deadline").exists()


def test_the_unit_officer_may_not_move_a_deadline(district, clock):
    school = district.primary.school
    reader = _client(district.unit_officer(unit_of(school, clock().date())))
    later = district.year.main_lock_date + dt.timedelta(days=1)
    assert _move(reader, district.year, later, confirm="yes").status_code == 403
