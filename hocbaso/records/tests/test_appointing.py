"""Who appoints whom: the level above, in its own scope, never oneself (permissions.py).

Every refusal is tried by URL, on the admin's add page and on the appointments page,
and leaves nothing written; every appointment made leaves one audit row.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from hocbaso.records.models import Appointment, Person, Role, StaffEvent
from hocbaso.records.tests.personas import NOT_ADMINISTRATORS

ADMIN_ADD = "/admin/records/appointment/add/"
PAGE = "/staff/appointments/"


def _self_promotion(world, user) -> dict:
    return {
        "person": user.person.pk,
        "role": Role.DEPARTMENT_OFFICER,
        "school_year": world.year.pk,
        "department": world.department.pk,
    }


@pytest.mark.parametrize("persona", NOT_ADMINISTRATORS)
def test_staff_cannot_appoint_themselves_department_officer_in_the_admin(
    request, world, staff_client, persona
):
    user = request.getfixturevalue(persona)
    client = staff_client(user)
    before = Appointment.objects.count()

    response = client.post(ADMIN_ADD, _self_promotion(world, user))

    assert response.status_code == 302
    assert not response["Location"].startswith("/admin/")
    assert Appointment.objects.count() == before
    assert (
        not Appointment.objects.filter(
            person__user=user, role=Role.DEPARTMENT_OFFICER
        ).exists()
        or persona == "department_officer"
    )


def test_a_department_admin_cannot_appoint_themselves_in_the_admin(
    world, staff_client, department_admin
):
    client = staff_client(department_admin)
    before = Appointment.objects.count()

    response = client.post(ADMIN_ADD, _self_promotion(world, department_admin))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert Appointment.objects.count() == before
    assert not StaffEvent.objects.filter(action="appointment:add").exists()


def test_a_department_admin_cannot_appoint_another_administrator(
    world, staff_client, department_admin, principal
):
    data = _self_promotion(world, principal) | {"role": Role.DEPARTMENT_ADMIN}

    response = staff_client(department_admin).post(ADMIN_ADD, data)

    assert response.status_code == 200
    assert (
        not Appointment.objects.filter(role=Role.DEPARTMENT_ADMIN)
        .exclude(person__user=department_admin)
        .exists()
    )


def test_a_department_admin_cannot_appoint_in_another_department(
    world, staff_client, department_admin, outsider
):
    data = {
        "person": outsider.person.pk,
        "role": Role.PRINCIPAL,
        "school_year": world.year.pk,
        "school": world.school_z.pk,
    }

    response = staff_client(department_admin).post(ADMIN_ADD, data)

    assert response.status_code == 200
    assert not Appointment.objects.filter(school=world.school_z, role=Role.PRINCIPAL)


def test_a_department_admin_appoints_a_principal_with_an_audit_row(
    world, staff_client, department_admin, clerk
):
    data = {
        "person": clerk.person.pk,
        "role": Role.PRINCIPAL,
        "school_year": world.year.pk,
        "school": world.school_b.pk,
    }

    response = staff_client(department_admin).post(ADMIN_ADD, data)

    assert response.status_code == 302
    made = Appointment.objects.get(role=Role.PRINCIPAL, school=world.school_b)
    event = StaffEvent.objects.get(action="appointment:add")
    assert (event.actor_user, event.object_id) == (department_admin, str(made.pk))
    assert event.person == clerk.person
    assert event.detail["role"] == Role.PRINCIPAL


def test_the_admin_deletes_no_appointment(world, staff_client, department_admin):
    appointment = Appointment.objects.get(person__user=department_admin)
    url = f"/admin/records/appointment/{appointment.pk}/delete/"

    assert staff_client(department_admin).post(url, {"post": "yes"}).status_code == 403
    assert Appointment.objects.filter(pk=appointment.pk).exists()


# --- the appointments page ----------------------------------------------------


def _teacher(world, **changes) -> dict:
    return {
        "personal_id": "001185999001",
        "full_name": "Đỗ Thị Hoa",
        "role": Role.HOMEROOM_TEACHER,
        "school_year": world.year.pk,
        "place": f"school:{world.school_a.pk}",
        "school_class": "",
        "subject_code": "",
    } | changes


def test_a_principal_appoints_a_homeroom_teacher_of_the_school(
    world, staff_client, principal
):
    client = staff_client(principal)
    response = client.post(PAGE, _teacher(world, school_class=world.class_a.pk))

    assert response.status_code == 302
    made = Appointment.objects.get(person__personal_id="001185999001")
    assert (made.role, made.school_class) == (Role.HOMEROOM_TEACHER, world.class_a)
    event = StaffEvent.objects.get(action="appointment:add")
    assert event.actor_user == principal
    assert event.school == world.school_a


@pytest.mark.parametrize(
    "changes",
    [
        {"role": Role.DEPUTY_PRINCIPAL},  # at their own level
        {"role": Role.PRINCIPAL},
        {"role": Role.CLERK, "place": "school:{b}"},  # another school
    ],
    ids=["deputy", "principal", "another-school"],
)
def test_a_principal_appoints_nobody_at_their_level_or_elsewhere(
    world, staff_client, principal, changes
):
    data = _teacher(world, role=Role.CLERK) | {
        k: v.format(b=world.school_b.pk) for k, v in changes.items()
    }

    response = staff_client(principal).post(PAGE, data)

    assert response.status_code == 400
    assert not Person.objects.filter(personal_id="001185999001").exists()
    assert not StaffEvent.objects.exists()


def test_a_principal_cannot_appoint_themselves_clerk(world, staff_client, principal):
    me = principal.person
    data = _teacher(
        world, personal_id=me.personal_id, full_name=me.full_name, role=Role.CLERK
    )

    response = staff_client(principal).post(PAGE, data)

    assert response.status_code == 400
    assert "APPOINT_SELF" not in response.content.decode()
    assert not Appointment.objects.filter(person=me, role=Role.CLERK).exists()


@pytest.mark.parametrize(
    "persona",
    [
        "homeroom_teacher",
        "subject_teacher",
        "deputy_principal",
        "clerk",
        "unit_officer",
        "department_officer",
    ],
)
def test_staff_who_appoint_no_one_are_refused_the_pages(
    request, world, staff_client, persona
):
    client = staff_client(request.getfixturevalue(persona))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, _teacher(world, role=Role.CLERK)).status_code == 403
    assert client.get("/staff/certificates/").status_code == 403
    assert not Person.objects.filter(personal_id="001185999001").exists()


def test_a_department_admin_appoints_a_principal_but_no_administrator(
    world, staff_client, department_admin
):
    client = staff_client(department_admin)
    school_b = f"school:{world.school_b.pk}"
    refused = _teacher(
        world,
        role=Role.DEPARTMENT_ADMIN,
        place=f"department:{world.department.pk}",
    )
    assert client.post(PAGE, refused).status_code == 400
    made = client.post(PAGE, _teacher(world, role=Role.PRINCIPAL, place=school_b))
    assert made.status_code == 302
    assert Appointment.objects.get(person__personal_id="001185999001").school == (
        world.school_b
    )


def test_a_name_that_does_not_match_the_personal_id_is_refused_without_the_name(
    world, staff_client, principal, clerk
):
    other = clerk.person
    data = _teacher(world, personal_id=other.personal_id, role=Role.CLERK)

    response = staff_client(principal).post(PAGE, data)

    assert response.status_code == 400
    assert other.full_name not in response.content.decode()


def test_a_principal_removes_a_teachers_appointment_with_an_audit_row(
    world, staff_client, principal, homeroom_teacher
):
    appointment = Appointment.objects.get(person__user=homeroom_teacher)
    url = reverse("records:remove-appointment", args=[appointment.pk])

    assert staff_client(principal).post(url).status_code == 302

    assert not Appointment.objects.filter(pk=appointment.pk).exists()
    event = StaffEvent.objects.get(action="appointment:remove")
    assert event.detail["role"] == Role.HOMEROOM_TEACHER


def test_a_principal_cannot_remove_another_schools_clerk(
    world, staff_client, principal, clerk
):
    appointment = Appointment.objects.get(person__user=clerk)
    url = reverse("records:remove-appointment", args=[appointment.pk])

    assert staff_client(principal).post(url).status_code == 404
    assert Appointment.objects.filter(pk=appointment.pk).exists()


def test_the_refusal_is_in_vietnamese(world, staff_client, principal):
    me = principal.person
    data = _teacher(
        world, personal_id=me.personal_id, full_name=me.full_name, role=Role.CLERK
    )
    page = staff_client(principal).post(PAGE, data).content.decode()
    assert "tự bổ nhiệm" in page


def _change(appointment, **changes) -> dict:
    data = {
        "person": appointment.person_id,
        "role": appointment.role,
        "school_year": appointment.school_year_id,
        "school": appointment.school_id or "",
        "unit": appointment.unit_id or "",
        "department": appointment.department_id or "",
        "school_class": appointment.school_class_id or "",
        "subject_code": appointment.subject_code,
    }
    return data | changes


@pytest.mark.parametrize("persona", ["clerk", "principal", "department_admin"])
def test_nobody_changes_their_own_appointment_in_the_admin(
    request, world, staff_client, persona
):
    user = request.getfixturevalue(persona)
    mine = Appointment.objects.get(person__user=user)
    url = f"/admin/records/appointment/{mine.pk}/change/"
    data = _change(
        mine,
        role=Role.DEPARTMENT_ADMIN,
        school="",
        department=world.department.pk,
    )

    response = staff_client(user).post(url, data)

    assert response.status_code in (200, 302)
    mine.refresh_from_db()
    assert mine.role != Role.DEPARTMENT_ADMIN or persona == "department_admin"
    assert not StaffEvent.objects.filter(action="appointment:change").exists()


def test_a_department_admin_cannot_move_a_principal_to_another_department(
    world, staff_client, department_admin, principal
):
    appointment = Appointment.objects.get(person__user=principal)
    url = f"/admin/records/appointment/{appointment.pk}/change/"

    response = staff_client(department_admin).post(
        url, _change(appointment, school=world.school_z.pk)
    )

    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.school == world.school_a


def test_a_department_admin_changes_a_principals_school_with_an_audit_row(
    world, staff_client, department_admin, principal
):
    appointment = Appointment.objects.get(person__user=principal)
    url = f"/admin/records/appointment/{appointment.pk}/change/"

    response = staff_client(department_admin).post(
        url, _change(appointment, school=world.school_b.pk)
    )

    assert response.status_code == 302
    event = StaffEvent.objects.get(action="appointment:change")
    assert event.detail["before"]["school"] == world.school_a.pk
    assert event.detail["after"]["school"] == world.school_b.pk
