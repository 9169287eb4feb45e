"""Each role sees its own scope in the admin and nothing else (domain.md §9).

For every role: the change lists of students and yearly records show the
students in scope and none outside it, and the change page of an outside
student or record, opened by URL, is refused (Django's "not found" redirect)
without showing it.
"""

import pytest
from django.urls import reverse

# role fixture → (students it must see, students it must not see), by the
# attribute names of the ``world`` fixture in conftest.py.
SCOPES = {
    "homeroom_teacher": (["a"], ["a2", "b", "z"]),
    "subject_teacher": (["a2"], ["a", "b", "z"]),
    "principal": (["a"], ["a2", "b", "z"]),
    "deputy_principal": (["a"], ["a2", "b", "z"]),
    "clerk": (["b"], ["a", "a2", "z"]),
    "unit_officer": (["a", "a2"], ["b", "z"]),
    "department_officer": (["a", "a2", "b"], ["z"]),
    "outsider": (["z"], ["a", "a2", "b"]),
}
ROLES = list(SCOPES)


def _login(request, staff_client, role):
    return staff_client(request.getfixturevalue(role))


def _codes(world, names):
    return [getattr(world, name).student.student_code for name in names]


@pytest.mark.parametrize("role", ROLES)
def test_staff_see_their_own_students_in_the_student_list(
    request, world, staff_client, role
):
    client = _login(request, staff_client, role)
    response = client.get(reverse("admin:records_student_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    inside, outside = SCOPES[role]
    for code in _codes(world, inside):
        assert code in page
    for code in _codes(world, outside):
        assert code not in page


@pytest.mark.parametrize("role", ROLES)
def test_staff_see_only_their_own_yearly_records(request, world, staff_client, role):
    client = _login(request, staff_client, role)
    response = client.get(reverse("admin:records_yearlyrecord_changelist"))
    assert response.status_code == 200
    shown = {record.pk for record in response.context["cl"].result_list}
    inside, _outside = SCOPES[role]
    assert shown == {getattr(world, name).record.pk for name in inside}


@pytest.mark.parametrize("role", ROLES)
def test_staff_cannot_open_another_schools_student_by_url(
    request, world, staff_client, role
):
    client = _login(request, staff_client, role)
    inside, outside = SCOPES[role]
    own = getattr(world, inside[0]).student
    url = reverse("admin:records_student_change", args=[own.pk])
    assert client.get(url).status_code == 200
    for name in outside:
        student = getattr(world, name).student
        url = reverse("admin:records_student_change", args=[student.pk])
        response = client.get(url, follow=True)
        assert response.redirect_chain[0] == (reverse("admin:index"), 302)
        page = response.content.decode()
        assert student.student_code not in page
        assert student.full_name not in page


@pytest.mark.parametrize("role", ROLES)
def test_staff_cannot_open_another_schools_yearly_record_by_url(
    request, world, staff_client, role
):
    client = _login(request, staff_client, role)
    _inside, outside = SCOPES[role]
    for name in outside:
        record = getattr(world, name).record
        for view in ("change", "history", "delete"):
            url = reverse(f"admin:records_yearlyrecord_{view}", args=[record.pk])
            assert client.get(url).status_code in (302, 403, 404)
            assert client.get(url).status_code != 200


def test_a_superuser_sees_every_school(world, admin_client):
    response = admin_client.get(reverse("admin:records_student_changelist"))
    page = response.content.decode()
    for code in _codes(world, ["a", "a2", "b", "z"]):
        assert code in page


def test_a_staff_login_without_appointments_sees_no_one(
    world, staff_client, django_user_model
):
    from hocbaso.records.permissions import grant_role_permissions

    user = django_user_model.objects.create_user("nobody", password="x")
    grant_role_permissions(user, "principal")
    response = staff_client(user).get(reverse("admin:records_student_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_a_clerk_chooses_only_among_their_own_schools_classes(
    world, clerk, staff_client
):
    client = staff_client(clerk)
    response = client.get(reverse("admin:records_enrollment_add"))
    choices = response.context["adminform"].form.fields["school_class"].queryset
    assert list(choices) == [world.class_b]


def test_a_clerk_names_any_school_as_the_source_of_a_transfer(
    world, clerk, staff_client
):
    response = staff_client(clerk).get(reverse("admin:records_enrollment_add"))
    choices = response.context["adminform"].form.fields["source_school"].queryset
    assert world.school_a in choices


def test_a_clerk_cannot_enroll_a_student_into_another_schools_class(
    world, clerk, staff_client
):
    client = staff_client(clerk)
    response = client.post(
        reverse("admin:records_enrollment_add"),
        {
            "student": world.b.student.pk,
            "school_class": world.class_a.pk,
            "start_date": world.year.start_date.isoformat(),
            "kind": "enrolled",
        },
    )
    assert response.status_code == 200  # the form again, with an error
    assert "school_class" in response.context["adminform"].form.errors
    assert not world.class_a.enrollments.filter(student=world.b.student).exists()


def test_a_transferred_student_is_seen_by_the_receiving_school(
    world, clerk, staff_client
):
    from hocbaso.records.models import Enrollment

    enrollment = world.a.student.enrollments.get()
    enrollment.kind = Enrollment.Kind.TRANSFERRED_OUT
    enrollment.end_date = world.year.start_date.replace(month=12, day=31)
    enrollment.save()
    Enrollment.objects.create(
        student=world.a.student,
        school_class=world.class_b,
        start_date=enrollment.end_date,
        kind=Enrollment.Kind.TRANSFERRED_IN,
        source_school=world.school_a,
    )
    client = staff_client(clerk)
    url = reverse("admin:records_student_change", args=[world.a.student.pk])
    assert client.get(url).status_code == 200
