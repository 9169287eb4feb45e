"""The registry's admin pages: department administrators only, read-only, in scope."""

import pytest
from django.contrib import admin

from hocbaso.records.models import (
    Appointment,
    Department,
    Person,
    Role,
    Round,
    SchoolYear,
)
from hocbaso.records.permissions import grant_role_permissions
from hocbaso.registry.models import Submission
from hocbaso.registry.tests.helpers import submit


@pytest.fixture
def submissions(district, db, clock, primary_clerk, other_clerk):
    submit(
        district,
        district.records(district.primary, Round.MAIN)[0],
        primary_clerk,
        clock,
    )
    submit(district, district.records(district.other_primary)[0], other_clerk, clock)


def _department_admin(django_user_model, department, name):
    """A department administrator of every school year that counts today."""
    user = django_user_model.objects.create_user(name)
    person = Person.objects.create(
        full_name=name, personal_id=f"0011859{len(name):05d}", user=user
    )
    for year in SchoolYear.objects.active():
        Appointment.objects.create(
            person=person,
            role=Role.DEPARTMENT_ADMIN,
            school_year=year,
            department=department,
        )
    grant_role_permissions(user, Role.DEPARTMENT_ADMIN)
    return user


def test_staff_are_sent_from_the_registrys_admin_to_their_work_page(
    district, client, submissions
):
    client.force_login(district.user(district.primary.school))

    page = client.get("/admin/registry/submission/")

    assert page.status_code == 302
    assert not page["Location"].startswith("/admin/")


def test_a_department_admin_sees_the_departments_submissions_only(
    district, client, submissions, django_user_model
):
    department = district.primary.school.department
    client.force_login(_department_admin(django_user_model, department, "qt.so"))
    page = client.get("/admin/registry/submission/")
    for submission in Submission.objects.all():
        assert submission.public_id.encode() in page.content

    elsewhere = Department.objects.create(code="99", name="Sở khác", province_code="99")
    client.force_login(_department_admin(django_user_model, elsewhere, "qt.khac"))
    page = client.get("/admin/registry/submission/")
    theirs = Submission.objects.first()
    assert theirs.public_id.encode() not in page.content
    other = client.get(f"/admin/registry/submission/{theirs.pk}/change/")
    assert other.status_code == 302  # not found in the scope: back to the index


def test_nobody_adds_changes_or_deletes_registry_rows_in_the_admin(
    district, client, submissions, django_user_model
):
    department = district.primary.school.department
    client.force_login(_department_admin(django_user_model, department, "qt.so"))
    mine = Submission.objects.get(school=district.primary.school)

    assert client.get("/admin/registry/submission/add/").status_code == 403
    detail = client.get(f"/admin/registry/submission/{mine.pk}/change/")
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    assert (
        client.post(f"/admin/registry/submission/{mine.pk}/delete/").status_code == 403
    )


def test_every_registry_table_with_rows_of_the_registry_is_registered_read_only():
    from hocbaso.registry import models

    registered = {m for m in admin.site._registry if m._meta.app_label == "registry"}
    assert models.Submission in registered and models.LedgerEntry in registered
    for model in registered:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(None)
        assert not model_admin.has_delete_permission(None)
