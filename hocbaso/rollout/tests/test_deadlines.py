"""Days left to each deadline, counted in Vietnam time (domain.md §7)."""

from __future__ import annotations

import datetime as dt

from hocbaso.records.models import SchoolYear
from hocbaso.rollout.deadlines import deadlines


def _by_field(year, now):
    return {d.field: d for d in deadlines(year, now)}


def test_a_deadline_runs_to_the_end_of_its_day_in_vietnam(db):
    year = SchoolYear.objects.create(name="2024-2025")
    # 23:59 on 30/6 in Vietnam is 16:59 UTC: still the day of the deadline.
    last_minute = dt.datetime(2025, 6, 30, 16, 59, tzinfo=dt.UTC)
    midnight = dt.datetime(2025, 6, 30, 17, 0, tzinfo=dt.UTC)

    before, after = _by_field(year, last_minute), _by_field(year, midnight)

    lock = before["main_lock_date"]
    assert (lock.days_left, lock.passed) == (0, False)
    assert (after["main_lock_date"].days_left, after["main_lock_date"].passed) == (
        -1,
        True,
    )
    assert before["main_report_date"].days_left == 5
    assert before["supplementary_lock_date"].days_left == 46
    assert before["supplementary_report_date"].day == dt.date(2025, 8, 20)


def test_the_years_own_calendar_moves_the_deadlines(db):
    year = SchoolYear.objects.create(
        name="2024-2025", main_lock_date=dt.date(2025, 6, 25)
    )
    now = dt.datetime(2025, 6, 20, 3, 0, tzinfo=dt.UTC)

    found = _by_field(year, now)

    assert found["main_lock_date"].days_left == 5
    assert [d.field for d in deadlines(year, now)] == [
        "main_lock_date",
        "main_report_date",
        "supplementary_lock_date",
        "supplementary_report_date",
    ]
