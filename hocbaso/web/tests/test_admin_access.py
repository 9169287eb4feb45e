"""The admin is the department administrators'; what they read there is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hocbaso.portal.models import AccessEvent
from hocbaso.records.models import StaffEvent


@pytest.mark.parametrize(
    ("persona", "work"),
    [
        ("homeroom_teacher", "/school/"),
        ("clerk", "/school/"),
        ("principal", "/school/"),
        ("unit_officer", "/rollout/"),
        ("department_officer", "/rollout/"),
    ],
)
def test_staff_are_sent_to_their_work_page(request, staff_client, persona, work):
    client = staff_client(request.getfixturevalue(persona))
    for url in ("/admin/", "/admin/login/", "/admin/records/transcript/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, work)


def test_the_menu_offers_the_admin_to_department_admins_only(
    staff_client, department_admin, clerk
):
    assert 'href="/admin/"' not in staff_client(clerk).get("/").content.decode()
    page = staff_client(department_admin).get("/").content.decode()
    assert 'href="/admin/"' in page


def test_a_list_read_in_the_admin_is_audited(world, staff_client, department_admin):
    client = staff_client(department_admin)
    response = client.get("/admin/records/person/?q=C%C3%A1n")
    assert response.status_code == 200

    event = StaffEvent.objects.get(action="admin:list")
    assert event.actor_user == department_admin
    assert event.object_type == "records.person"
    assert event.detail["query"] == {"q": ["Cán"]}
    assert set(event.detail["ids"]) == {
        p.pk for p in response.context["cl"].result_list
    }


def test_a_transcript_opened_in_the_admin_joins_the_students_access_list(
    world, staff_client, department_admin
):
    transcript = world.a.record.transcript
    url = reverse("admin:records_transcript_change", args=[transcript.pk])

    assert staff_client(department_admin).get(url).status_code == 200

    event = StaffEvent.objects.get(action="admin:view")
    assert event.object_id == str(transcript.pk)
    access = AccessEvent.objects.get(transcript=transcript)
    assert (access.action, access.actor_user) == ("view", department_admin)
    assert transcript.lookup_code not in str(access.detail) + str(event.detail)


def test_the_menu_offers_appointments_to_those_who_appoint(
    staff_client, principal, clerk
):
    assert "/staff/appointments/" in staff_client(principal).get("/").content.decode()
    assert "/staff/appointments/" not in staff_client(clerk).get("/").content.decode()
