"""Organisations and the dated management periods (domain.md §2)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from hocbaso.records.models import (
    Department,
    ManagementUnit,
    School,
    SchoolUnitPeriod,
    unit_of,
)

MOVE = dt.date(2025, 7, 1)


@pytest.fixture
def moved_school(db):
    """A school managed by its district office until the 2025 reform, then a ward."""
    department = Department.objects.create(code="01", name="Sở", province_code="01")
    district = ManagementUnit.objects.create(
        code="NTL", name="Phòng GD&ĐT Nam Từ Liêm", kind="phong", department=department
    )
    ward = ManagementUnit.objects.create(
        code="XP", name="UBND phường Xuân Phương", kind="phuong", department=department
    )
    school = School.objects.create(
        code="TH1", name="Tiểu học 1", level="primary", department=department
    )
    SchoolUnitPeriod.objects.create(
        school=school, unit=district, valid_from=dt.date(2010, 1, 1), valid_to=MOVE
    )
    SchoolUnitPeriod.objects.create(school=school, unit=ward, valid_from=MOVE)
    return school, district, ward


def test_unit_of_follows_the_move_from_district_to_ward(moved_school):
    school, district, ward = moved_school
    assert unit_of(school, dt.date(2025, 6, 30)) == district
    assert unit_of(school, MOVE) == ward
    assert unit_of(school, dt.date(2026, 1, 1)) == ward
    assert school.unit_on(dt.date(2024, 9, 5)) == district


def test_a_school_without_a_unit_has_no_middle_level(moved_school):
    school, _district, _ward = moved_school
    assert unit_of(school, dt.date(2009, 12, 31)) is None
    lonely = School.objects.create(
        code="TH2", name="Tiểu học 2", level="primary", department=school.department
    )
    assert unit_of(lonely, dt.date(2025, 1, 1)) is None


def test_overlapping_periods_are_refused(moved_school):
    school, district, _ward = moved_school
    overlap = SchoolUnitPeriod(
        school=school, unit=district, valid_from=dt.date(2025, 6, 1)
    )
    with translation.override("en"), pytest.raises(ValidationError, match="overlaps"):
        overlap.full_clean()


def test_a_period_ending_before_it_starts_is_refused_by_the_database(moved_school):
    school, district, _ward = moved_school
    with pytest.raises(IntegrityError):
        SchoolUnitPeriod.objects.create(
            school=school,
            unit=district,
            valid_from=dt.date(2030, 1, 1),
            valid_to=dt.date(2029, 1, 1),
        )


def test_the_level_group_code_follows_the_level(db):
    department = Department.objects.create(code="01", name="Sở", province_code="01")
    primary = School(code="a", name="a", level="primary", department=department)
    secondary = School(code="b", name="b", level="secondary", department=department)
    assert (primary.level_group_code, secondary.level_group_code) == ("02", "03")
