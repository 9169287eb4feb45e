"""scope.py without the admin: whose schools a user sees, and when."""

import datetime as dt

import pytest

from conftest import make_personal_id
from hocbaso.records.models import (
    Appointment,
    ManagementUnit,
    Person,
    Role,
    School,
    SchoolUnitPeriod,
    SchoolYear,
    Sex,
    Student,
)
from hocbaso.records.scope import filter_for, schools_visible_to


def _officer(django_user_model, username, unit, year):
    user = django_user_model.objects.create_user(username)
    Person.objects.create(
        full_name=username,
        personal_id=make_personal_id(dt.date(1980, 1, 1), Sex.MALE),
        user=user,
    )
    person = user.person
    Appointment.objects.create(
        person=person, role=Role.UNIT_OFFICER, unit=unit, school_year=year
    )
    return user


@pytest.fixture
def moved(world):
    """school_b was under a district office until 1/7/2025, then under unit_b."""
    district = ManagementUnit.objects.create(
        code="NTL", name="Phòng GD&ĐT", kind="phong", department=world.department
    )
    SchoolUnitPeriod.objects.create(
        school=world.school_b,
        unit=district,
        valid_from=dt.date(2010, 1, 1),
        valid_to=dt.date(2025, 7, 1),
    )
    return district


def test_a_ward_officer_sees_the_schools_moved_to_the_ward(
    world, moved, django_user_model
):
    officer = _officer(django_user_model, "ward", world.unit_b, world.year)
    assert list(schools_visible_to(officer)) == [world.school_b]


def test_a_district_officer_loses_schools_after_the_move(
    world, moved, django_user_model
):
    # The district office's period ended before the current year began.
    officer = _officer(django_user_model, "district", moved, world.year)
    assert list(schools_visible_to(officer)) == []


def test_a_district_officer_keeps_its_schools_through_the_reform_summer(
    world, moved, django_user_model
):
    # The district still reports 2024-2025's supplementary round (by 20/8/2025)
    # for a school that moved to a ward on 1/7/2025; then its access ends.
    reform_year = SchoolYear.objects.create(name="2024-2025")
    SchoolYear.objects.get_or_create(name="2025-2026")
    officer = _officer(django_user_model, "district", moved, reform_year)
    assert list(schools_visible_to(officer, dt.date(2025, 8, 1))) == [world.school_b]
    assert list(schools_visible_to(officer, dt.date(2025, 11, 1))) == []
    assert list(schools_visible_to(officer)) == []


def test_the_department_officer_sees_every_school_of_the_department(
    world, department_officer
):
    assert set(schools_visible_to(department_officer)) == {
        world.school_a,
        world.school_a2,
        world.school_b,
    }


def test_a_superuser_sees_everything(world, admin_user):
    assert schools_visible_to(admin_user).count() == School.objects.count()


def test_an_anonymous_user_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not schools_visible_to(AnonymousUser()).exists()
    assert not filter_for(AnonymousUser(), Student.objects.all()).exists()


def test_a_teachers_appointment_of_a_past_year_grants_nothing(world, django_user_model):
    past = SchoolYear.objects.create(name="2019-2020")
    user = django_user_model.objects.create_user("retired")
    person = Person.objects.create(
        full_name="Cô giáo",
        personal_id=make_personal_id(dt.date(1985, 1, 1), Sex.FEMALE),
        user=user,
    )
    Appointment.objects.create(
        person=person, role=Role.PRINCIPAL, school=world.school_a, school_year=past
    )
    assert not schools_visible_to(user).exists()


def test_a_model_without_a_scope_rule_is_refused(world, principal):
    from django.contrib.auth.models import Group

    with pytest.raises(LookupError):
        filter_for(principal, Group.objects.all())
