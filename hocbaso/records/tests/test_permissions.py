"""Role groups: who may change what in the admin (permissions.py)."""

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


@pytest.mark.parametrize(
    ("role", "may_change"),
    [
        (Role.HOMEROOM_TEACHER, False),
        (Role.SUBJECT_TEACHER, False),
        (Role.UNIT_OFFICER, False),
        (Role.DEPARTMENT_OFFICER, False),
        (Role.CLERK, True),
        (Role.PRINCIPAL, True),
        (Role.DEPUTY_PRINCIPAL, True),
    ],
)
def test_only_clerks_and_school_leaders_change_school_side_data(role, may_change):
    codenames = codenames_for(role)
    assert ("change_student" in codenames) is may_change
    assert ("add_enrollment" in codenames) is may_change
    assert "change_school" not in codenames
    assert "change_schoolyear" not in codenames


def test_groups_are_created_once_and_kept_up_to_date(db):
    sync_role_groups()
    sync_role_groups()
    assert Group.objects.filter(name__startswith="hocbaso:").count() == len(Role)


def test_a_teacher_may_read_but_not_change_a_student(world, homeroom_teacher, client):
    client.force_login(homeroom_teacher)
    url = reverse("admin:records_student_change", args=[world.a.student.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    response = client.post(url, {"full_name": "Changed"})
    assert response.status_code == 403


def test_a_clerk_changes_a_student_of_their_school(world, clerk, client):
    client.force_login(clerk)
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
