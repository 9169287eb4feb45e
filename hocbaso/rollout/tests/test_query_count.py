"""A page's queries do not grow with the number of schools, classes or records."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_student
from hocbaso.records.models import School, SchoolClass, SchoolUnitPeriod


def _queries(client, name, *args) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(f"rollout:{name}", args=args))
    assert response.status_code == 200
    return [q["sql"] for q in captured]


def _grow(world, n: int) -> None:
    """``n`` more schools of unit_a, each with two classes of three students."""
    for i in range(n):
        school = School.objects.create(
            code=f"TH-N{i}",
            name=f"Trường N{i}",
            level="primary",
            department=world.department,
        )
        SchoolUnitPeriod.objects.create(
            school=school, unit=world.unit_a, valid_from=dt.date(2025, 7, 1)
        )
        for grade in (1, 2):
            cls = SchoolClass.objects.create(
                school=school, school_year=world.year, grade=grade, name=f"{grade}A"
            )
            for k in range(3):
                make_student(cls, f"N{i}{grade}{k}", f"Học Sinh {i} {grade} {k}")


def test_the_department_and_unit_pages_cost_the_same_queries_when_they_grow(
    rollout_world, department_officer, unit_officer, staff_client
):
    w = rollout_world.world
    head = staff_client(department_officer)
    before = {
        "department": len(_queries(head, "department", "01")),
        "unit": len(_queries(head, "unit", "XP")),
        "school": len(_queries(head, "school", "TH-A")),
    }

    _grow(w, 4)

    after = {
        "department": len(_queries(head, "department", "01")),
        "unit": len(_queries(head, "unit", "XP")),
        "school": len(_queries(head, "school", "TH-A")),
    }
    assert after == before
    # 20 for the figures, the session and the scope, and one for the counts
    # of open difficulties each dashboard shows.
    assert max(after.values()) <= 21
