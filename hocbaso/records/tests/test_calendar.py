"""The school year's calendar: defaults and deadlines (domain.md §7, R10, R13)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hocbaso.records.models import SchoolYear

UTC = dt.UTC


@pytest.mark.django_db
def test_a_new_year_gets_the_plans_deadlines():
    year = SchoolYear.objects.create(name="2024-2025")
    assert year.main_lock_date == dt.date(2025, 6, 30)
    assert year.main_report_date == dt.date(2025, 7, 5)
    assert year.supplementary_lock_date == dt.date(2025, 8, 15)
    assert year.supplementary_report_date == dt.date(2025, 8, 20)
    assert year.start_date == dt.date(2024, 9, 5)


@pytest.mark.django_db
def test_a_deadline_is_the_end_of_that_day_in_vietnam_as_utc():
    year = SchoolYear.objects.create(name="2024-2025")
    assert year.deadlines() == {
        "main_lock_date": dt.datetime(2025, 6, 30, 17, 0, tzinfo=UTC),
        "main_report_date": dt.datetime(2025, 7, 5, 17, 0, tzinfo=UTC),
        "supplementary_lock_date": dt.datetime(2025, 8, 15, 17, 0, tzinfo=UTC),
        "supplementary_report_date": dt.datetime(2025, 8, 20, 17, 0, tzinfo=UTC),
    }
    assert year.deadline("main_lock_date").utcoffset() == dt.timedelta(0)


@pytest.mark.django_db
def test_an_edited_deadline_moves_its_instant():
    year = SchoolYear.objects.create(
        name="2024-2025", main_lock_date=dt.date(2025, 6, 27)
    )
    year.refresh_from_db()
    assert year.main_lock_date == dt.date(2025, 6, 27)
    assert year.deadline("main_lock_date") == dt.datetime(
        2025, 6, 27, 17, 0, tzinfo=UTC
    )


def test_an_unknown_deadline_is_refused():
    with pytest.raises(ValueError, match="unknown deadline"):
        SchoolYear(name="2024-2025").deadline("start_date")


@pytest.mark.parametrize("name", ["2024", "2024-2026", "24-25", "2025-2024"])
def test_a_year_name_must_read_like_2024_2025(name):
    with pytest.raises(ValidationError):
        SchoolYear(name=name).full_clean()


@pytest.mark.django_db
def test_active_years_are_the_latest_begun_the_running_and_the_coming():
    old = SchoolYear.objects.create(name="2023-2024")
    last = SchoolYear.objects.create(name="2024-2025")
    current = SchoolYear.objects.create(name="2025-2026")
    coming = SchoolYear.objects.create(name="2026-2027")

    def active_on(day):
        return set(SchoolYear.objects.active(day))

    # In the summer of 2025 the 2024-2025 calendar still runs (until 20/8).
    assert active_on(dt.date(2025, 8, 1)) == {last, current, coming}
    assert active_on(dt.date(2025, 11, 1)) == {current, coming}
    # A deployment that never created a newer year keeps working.
    assert set(SchoolYear.objects.filter(pk=old.pk).active(dt.date(2030, 1, 1))) == {
        old
    }
