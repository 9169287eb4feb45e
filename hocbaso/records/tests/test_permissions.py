"""Role groups: who may change what in the admin (permissions.py).

Only department administrators change rows there; everyone else works in the pages.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from hocbaso.records.models import Role
from hocbaso.records.permissions import (
    codenames_for,
    grant_role_permissions,
    group_name,
    sync_role_groups,
)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_gets_a_staff_login_that_may_view_the_records(
    db, django_user_model, role
):
    user = django_user_model.objects.create_user(f"u-{role}")
    group = grant_role_permissions(user, role)
    user = django_user_model.objects.get(pk=user.pk)
    assert user.is_staff and not user.is_superuser
    assert group.name == group_name(role)
    assert user.has_perm("records.view_yearlyrecord")
    assert user.has_perm("records.view_student")
    assert not user.has_perm("records.delete_yearlyrecord")


@pytest.mark.parametrize("role", list(Role))
def test_only_department_admins_change_rows_in_the_admin(role):
    codenames = codenames_for(role)
    may_change = role == Role.DEPARTMENT_ADMIN
    assert ("change_student" in codenames) is may_change
    assert ("add_appointment" in codenames) is may_change
    # Certificates are registered on their page, which checks the subject.
    assert "change_certificate" not in codenames
    assert "add_certificate" not in codenames
    assert "change_school" not in codenames
    assert "change_schoolyear" not in codenames


def test_groups_are_created_once_and_kept_up_to_date(db):
    sync_role_groups()
    sync_role_groups()
    assert Group.objects.filter(name__startswith="hocbaso:").count() == len(Role)


def test_a_teacher_is_sent_away_from_a_students_admin_page(
    world, homeroom_teacher, client
):
    client.force_login(homeroom_teacher)
    url = reverse("admin:records_student_change", args=[world.a.student.pk])
    assert client.get(url).status_code == 302
    assert client.post(url, {"full_name": "Changed"}).status_code == 302
    world.a.student.refresh_from_db()
    assert world.a.student.full_name != "Changed"


def test_a_department_admin_changes_a_student_of_the_department(
    world, department_admin, client
):
    client.force_login(department_admin)
    student = world.b.student
    url = reverse("admin:records_student_change", args=[student.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data["full_name"] = "Lê Thu Cúc Mới"
    data.update(
        {
            "enrollments-TOTAL_FORMS": "1",
            "enrollments-INITIAL_FORMS": "1",
            "enrollments-0-id": student.enrollments.get().pk,
            "enrollments-0-student": student.pk,
            "enrollments-0-school_class": world.class_b.pk,
            "enrollments-0-start_date": world.year.start_date.isoformat(),
            "enrollments-0-kind": "enrolled",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    student.refresh_from_db()
    assert student.full_name == "Lê Thu Cúc Mới"
