"""The admin is the department administrators' (domain.md §9), and shows their scope.

Every other member of staff who opens it is sent to their work page. A department
administrator sees the schools of the department and nothing else: the change lists
show the students in scope, the change page of an outside student or record, opened
by URL, is refused (Django's "not found" redirect) without showing it, and the
choices of every foreign key are limited the same way.
"""

import pytest
from django.urls import reverse

from hocbaso.records.tests.personas import NOT_ADMINISTRATORS

INSIDE, OUTSIDE = ["a", "a2", "b"], ["z"]


def _codes(world, names):
    return [getattr(world, name).student.student_code for name in names]


@pytest.mark.parametrize("persona", [*NOT_ADMINISTRATORS, "outsider"])
@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/records/student/", "/admin/records/person/"]
)
def test_staff_are_sent_from_the_admin_to_their_work_page(
    request, world, staff_client, persona, url
):
    client = staff_client(request.getfixturevalue(persona))
    response = client.get(url)
    assert response.status_code == 302
    assert not response["Location"].startswith("/admin/")


def test_a_department_admin_sees_the_departments_students_only(
    world, staff_client, department_admin
):
    client = staff_client(department_admin)
    page = client.get(reverse("admin:records_student_changelist")).content.decode()
    for code in _codes(world, INSIDE):
        assert code in page
    for code in _codes(world, OUTSIDE):
        assert code not in page


def test_a_department_admin_sees_only_the_departments_yearly_records(
    world, staff_client, department_admin
):
    client = staff_client(department_admin)
    response = client.get(reverse("admin:records_yearlyrecord_changelist"))
    shown = {record.pk for record in response.context["cl"].result_list}
    assert shown == {getattr(world, name).record.pk for name in INSIDE}


def test_a_department_admin_cannot_open_another_departments_rows_by_url(
    world, staff_client, department_admin
):
    client = staff_client(department_admin)
    student = world.z.student
    url = reverse("admin:records_student_change", args=[student.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[0] == (reverse("admin:index"), 302)
    assert student.full_name not in response.content.decode()
    for view in ("change", "history", "delete"):
        url = reverse(f"admin:records_yearlyrecord_{view}", args=[world.z.record.pk])
        assert client.get(url).status_code in (302, 403, 404)


def test_a_superuser_sees_every_school(world, admin_client):
    response = admin_client.get(reverse("admin:records_student_changelist"))
    page = response.content.decode()
    for code in _codes(world, ["a", "a2", "b", "z"]):
        assert code in page


def test_a_department_admin_chooses_only_among_the_departments_classes(
    world, staff_client, department_admin
):
    response = staff_client(department_admin).get(
        reverse("admin:records_enrollment_add")
    )
    choices = response.context["adminform"].form.fields["school_class"].queryset
    assert set(choices) == {world.class_a, world.class_a2, world.class_b}
    # Where a transferred student came from may be any school (public data).
    sources = response.context["adminform"].form.fields["source_school"].queryset
    assert world.school_z in sources


def test_a_department_admin_cannot_enroll_into_another_departments_class(
    world, staff_client, department_admin
):
    response = staff_client(department_admin).post(
        reverse("admin:records_enrollment_add"),
        {
            "student": world.b.student.pk,
            "school_class": world.class_z.pk,
            "start_date": world.year.start_date.isoformat(),
            "kind": "enrolled",
        },
    )
    assert response.status_code == 200  # the form again, with an error
    assert "school_class" in response.context["adminform"].form.errors
    assert not world.class_z.enrollments.filter(student=world.b.student).exists()
