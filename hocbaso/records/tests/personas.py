"""The department administrator persona, beside the suite's own (conftest.py)."""

from __future__ import annotations

import pytest

from hocbaso.records.models import Appointment, Person, Role
from hocbaso.records.permissions import grant_role_permissions

# Every persona of conftest.py that is not a department administrator.
NOT_ADMINISTRATORS = [
    "homeroom_teacher",
    "subject_teacher",
    "principal",
    "deputy_principal",
    "clerk",
    "unit_officer",
    "department_officer",
]


@pytest.fixture
def department_admin(django_user_model, world):
    """The department's administrator this school year, like conftest's make_staff."""
    user = django_user_model.objects.create_user("qt_so", password="x")
    person = Person.objects.create(
        full_name="Quản trị Sở", personal_id="001185900042", user=user
    )
    Appointment.objects.create(
        person=person,
        role=Role.DEPARTMENT_ADMIN,
        school_year=world.year,
        department=world.department,
    )
    grant_role_permissions(user, Role.DEPARTMENT_ADMIN)
    return user
