"""A certificate is registered to whoever its subject names, by the level above.

The registration page checks the subject (personal id and name, or school code),
refuses anyone but the person's appointer, never moves a registration, and writes
an audit row; the admin only shows certificates; the model refuses a row whose
owner the subject does not name, and a change of owner.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.core.exceptions import ValidationError

from hocbaso.records.certificates import certificate_row, register_certificate
from hocbaso.records.models import Certificate, StaffEvent
from hocbaso.signing.pki import ORGANISATION_PREFIX, _name, create_demo_pki

PAGE = "/staff/certificates/"


@pytest.fixture(scope="module")
def pki():
    return create_demo_pki()


def _pem(credential) -> str:
    return credential.certificate.public_bytes(Encoding.PEM).decode()


def _person(user):
    return user.person


def test_a_principal_registers_a_teachers_certificate(
    world, staff_client, principal, homeroom_teacher, pki
):
    teacher = _person(homeroom_teacher)
    credential = pki.person(teacher.full_name, teacher.personal_id)

    response = staff_client(principal).post(
        PAGE, {"owner": teacher.personal_id, "pem": _pem(credential)}
    )

    assert response.status_code == 302
    row = Certificate.objects.get(person=teacher)
    event = StaffEvent.objects.get(action="certificate:register")
    assert (event.actor_user, event.object_id) == (principal, str(row.pk))


@pytest.mark.parametrize(
    "whose", ["another_id", "another_name", "two_ids"], ids=lambda w: w
)
def test_a_certificate_naming_someone_else_is_refused(
    world, staff_client, principal, homeroom_teacher, pki, whose
):
    teacher = _person(homeroom_teacher)
    other_id = "001185900777"
    subject = {
        "another_id": _name(teacher.full_name, uid="CCCD:" + other_id),
        "another_name": _name("Người Khác", uid="CCCD:" + teacher.personal_id),
        "two_ids": _two_ids(teacher.full_name, teacher.personal_id, other_id),
    }[whose]
    credential = pki.issuing.issue(subject)

    response = staff_client(principal).post(
        PAGE, {"owner": teacher.personal_id, "pem": _pem(credential)}
    )

    assert response.status_code == 400
    assert "Chủ thể của chứng thư số" in response.content.decode()
    assert not Certificate.objects.exists()
    assert not StaffEvent.objects.exists()


def _two_ids(name, first, second):
    from cryptography import x509

    return x509.Name(
        [
            *_name(name, uid="CCCD:" + first),
            x509.NameAttribute(x509.NameOID.SERIAL_NUMBER, "CCCD:" + second),
        ]
    )


def test_a_registration_is_never_moved_to_someone_else(
    world, staff_client, principal, homeroom_teacher, pki
):
    teacher = _person(homeroom_teacher)
    credential = pki.person(teacher.full_name, teacher.personal_id)
    row = register_certificate(credential.certificate, person=teacher)

    response = staff_client(principal).post(
        PAGE, {"owner": _person(principal).personal_id, "pem": _pem(credential)}
    )

    assert response.status_code == 400
    row.refresh_from_db()
    assert row.person == teacher
    row.person = _person(principal)
    with pytest.raises(ValidationError):
        row.save()


@pytest.mark.parametrize(
    "persona",
    ["homeroom_teacher", "deputy_principal", "clerk", "unit_officer"],
)
def test_only_the_level_above_registers(
    request, world, staff_client, principal, pki, persona
):
    """The school's own staff cannot register their principal's certificate."""
    boss = _person(principal)
    credential = pki.person(boss.full_name, boss.personal_id)
    client = staff_client(request.getfixturevalue(persona))

    response = client.post(PAGE, {"owner": boss.personal_id, "pem": _pem(credential)})

    assert response.status_code == 403
    assert not Certificate.objects.exists()


def test_nobody_registers_their_own_certificate(world, staff_client, principal, pki):
    me = _person(principal)
    credential = pki.person(me.full_name, me.personal_id)

    response = staff_client(principal).post(
        PAGE, {"owner": me.personal_id, "pem": _pem(credential)}
    )

    assert response.status_code == 400
    assert not Certificate.objects.exists()


def test_a_department_admin_registers_a_schools_seal(
    world, staff_client, department_admin, pki
):
    school = world.school_b
    subject = _name(
        school.name, uid=ORGANISATION_PREFIX + school.code, organisation=school.name
    )
    credential = pki.issuing.issue(subject)

    response = staff_client(department_admin).post(
        PAGE, {"owner": school.code, "pem": _pem(credential)}
    )

    assert response.status_code == 302
    assert Certificate.objects.get(school=school)


def test_a_schools_seal_under_another_code_is_refused(
    world, staff_client, department_admin, pki
):
    subject = _name(world.school_b.name, uid=ORGANISATION_PREFIX + world.school_a.code)
    credential = pki.issuing.issue(subject)

    response = staff_client(department_admin).post(
        PAGE, {"owner": world.school_b.code, "pem": _pem(credential)}
    )

    assert response.status_code == 400
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("persona", ["clerk", "principal", "department_admin"])
def test_nobody_adds_or_changes_a_certificate_in_the_admin(
    request, world, staff_client, homeroom_teacher, pki, persona
):
    teacher = _person(homeroom_teacher)
    credential = pki.person(teacher.full_name, teacher.personal_id)
    row = register_certificate(credential.certificate, person=teacher)
    client = staff_client(request.getfixturevalue(persona))
    data = {
        "person": _person(request.getfixturevalue("principal")).pk,
        "subject_dn": row.subject_dn,
        "serial": row.serial,
        "fingerprint_sha256": row.fingerprint_sha256,
        "not_before_0": "2026-01-01",
        "not_before_1": "00:00:00",
        "not_after_0": "2030-01-01",
        "not_after_1": "00:00:00",
        "pem": row.pem,
    }

    changed = client.post(f"/admin/records/certificate/{row.pk}/change/", data)
    added = client.post("/admin/records/certificate/add/", data)

    assert changed.status_code in (302, 403)
    assert added.status_code in (302, 403)
    if changed.status_code == 302:
        assert not changed["Location"].startswith("/admin/records/certificate")
    row.refresh_from_db()
    assert row.person == teacher
    assert Certificate.objects.count() == 1


def test_the_model_refuses_a_row_whose_subject_names_someone_else(
    world, principal, homeroom_teacher, pki
):
    teacher = _person(homeroom_teacher)
    credential = pki.person(teacher.full_name, teacher.personal_id)
    row = certificate_row(credential.certificate, person=_person(principal))
    with pytest.raises(ValidationError):
        row.full_clean()
