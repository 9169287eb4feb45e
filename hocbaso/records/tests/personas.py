"""The department administrator persona, beside the suite's own (conftest.py)."""

from __future__ import annotations

import pytest

from conftest import make_staff
from hocbaso.records.models import Role

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
    return make_staff(
        django_user_model,
        "qt_so",
        "Quản trị Sở",
        Role.DEPARTMENT_ADMIN,
        world.year,
        department=world.department,
    )
