"""The seeded demo district: realistic, consistent, deterministic, and usable."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command

from hocbaso.demo.seed import SeedError, seed_district
from hocbaso.records import identifiers
from hocbaso.records.models import (
    Appointment,
    Enrollment,
    RecordStatus,
    Role,
    School,
    SchoolLevel,
    Student,
    SubjectAssessment,
    Transcript,
    YearlyRecord,
)

TODAY = dt.date(2026, 11, 28)
PASSWORD = "demo password for tests"


@pytest.fixture
def small(db):
    return seed_district(scale="small", seed=11, today=TODAY, password=PASSWORD)


@pytest.fixture
def tiny(db):
    return seed_district(scale="tiny", seed=11, today=TODAY, password=PASSWORD)


def test_it_seeds_the_tiny_district_with_two_years(tiny):
    assert School.objects.filter(level=SchoolLevel.PRIMARY).count() == 2
    assert School.objects.filter(level=SchoolLevel.SECONDARY).count() == 2
    years = sorted(
        YearlyRecord.objects.values_list("school_year__name", flat=True)
        .order_by()
        .distinct()
    )
    assert years == ["2025-2026", "2026-2027"]
    enrolled_now = Enrollment.objects.filter(
        school_class__school_year__name="2026-2027"
    ).count()
    assert enrolled_now == tiny.counts["enrolled_this_year"] == 580


def test_every_result_level_summer_path_and_repeat_is_present(small):
    last = YearlyRecord.objects.filter(school_year__name="2025-2026")
    primary = Counter(last.filter(grade__lte=5).values_list("result_code", flat=True))
    assert {"HTXS", "HTT", "HT", "CHT"} <= set(primary)
    secondary = last.filter(grade__gte=6)
    learning = set(secondary.values_list("year_learning", flat=True))
    assert {"T", "K", "Đ"} <= learning
    assert {"promoted", "repeat"} <= set(secondary.values_list("promotion", flat=True))
    assert secondary.exclude(retest=None).exclude(retest={}).exists()
    assert secondary.exclude(summer_conduct="").exists()
    assert secondary.filter(absences__gt=45).exists()
    assert last.filter(grade__lte=5, supplementary_assessed=True).exists()
    assert {"HSXS", "HSTB", "HSG"} <= set(last.values_list("title", flat=True))
    assert last.filter(round="supplementary").exists()
    # A student who repeats a grade has two records for that grade.
    repeated = [
        r
        for r in YearlyRecord.objects.filter(
            school_year__name="2025-2026", grade__gte=6
        )
        if r.promotion == "repeat"
    ]
    assert repeated
    again = YearlyRecord.objects.filter(
        transcript__in=[r.transcript_id for r in repeated],
        school_year__name="2026-2027",
    )
    assert again.exists()
    for record in again:
        first = next(r for r in repeated if r.transcript_id == record.transcript_id)
        assert record.grade == first.grade


def test_students_who_moved_mid_year_carry_their_term_one_results(tiny):
    moved = Enrollment.objects.filter(kind=Enrollment.Kind.TRANSFERRED_IN).exclude(
        source_school=None
    )
    assert moved.exists()
    for enrollment in moved:
        record = YearlyRecord.objects.get(
            transcript__student=enrollment.student,
            school_year=enrollment.school_class.school_year,
        )
        assert record.school == enrollment.school_class.school
        rows = SubjectAssessment.objects.filter(record=record, term="hk1")
        assert rows.exists()
        assert set(rows.values_list("source_school", flat=True)) == {
            enrollment.source_school_id
        }


def test_identifiers_agree_with_each_other(tiny):
    for student in Student.objects.all():
        problems = identifiers.validate_personal_id(
            student.personal_id, student.date_of_birth, student.sex
        )
        assert problems == [], (student, problems)
    codes = list(Transcript.objects.values_list("lookup_code", flat=True))
    assert all(identifiers.is_lookup_code(c) for c in codes)
    assert len(set(codes)) == len(codes)


def test_stored_results_are_what_the_rules_give(tiny):
    records = YearlyRecord.objects.filter(school_year__name="2025-2026")
    for record in records.order_by("pk")[:: max(1, records.count() // 60)]:
        stored = record.results
        assert record.recompute(save=False) == stored


def test_only_pilot_grades_get_records(tiny, settings):
    grades = set(YearlyRecord.objects.values_list("grade", flat=True).order_by())
    assert grades == {1, 2, 3, 4, 6, 7, 8}


def test_grade_five_gets_records_once_switched_on(db, settings):
    settings.HOCBASO_PILOT_GRADES = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9})
    seed_district(scale="tiny", seed=2, today=TODAY, password=PASSWORD)
    assert YearlyRecord.objects.filter(grade=5).exists()
    assert YearlyRecord.objects.filter(grade=9).exists()


def test_the_current_year_is_in_progress(tiny):
    current = YearlyRecord.objects.filter(school_year__name="2026-2027")
    assert current.exists()
    assert set(current.values_list("status", flat=True)) == {RecordStatus.DRAFT}
    assert not current.exclude(results=None).exists()


def test_every_role_has_staff_and_the_shown_logins_work(tiny, client):
    roles = set(Appointment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    shown = {login.role for login in tiny.logins}
    assert set(Role.values) <= shown
    for login in tiny.logins:
        client.logout()
        assert client.login(username=login.username, password=PASSWORD), login
        # The admin opens to the department administrator; the others are sent
        # to their work page.
        assert client.get("/admin/", follow=True).status_code == 200


def test_it_refuses_to_seed_a_database_that_has_data(tiny):
    with pytest.raises(SeedError, match="already holds"):
        seed_district(scale="tiny", seed=1, today=TODAY, password=PASSWORD)


def _fingerprint():
    return sorted(
        YearlyRecord.objects.values_list(
            "transcript__lookup_code",
            "transcript__student__personal_id",
            "transcript__student__full_name",
            "grade",
            "result_code",
            "year_learning",
            "promotion",
        )
    )


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_district():
    call_command(
        "seed",
        "--scale",
        "tiny",
        "--seed",
        "5",
        "--today",
        "2026-11-28",
        "--password",
        PASSWORD,
        verbosity=0,
    )
    first = _fingerprint()
    call_command(
        "seed",
        "--scale",
        "tiny",
        "--seed",
        "5",
        "--today",
        "2026-11-28",
        "--password",
        PASSWORD,
        "--reset",
        verbosity=0,
    )
    assert _fingerprint() == first
    call_command(
        "seed",
        "--scale",
        "tiny",
        "--seed",
        "6",
        "--today",
        "2026-11-28",
        "--password",
        PASSWORD,
        "--reset",
        verbosity=0,
    )
    assert _fingerprint() != first
