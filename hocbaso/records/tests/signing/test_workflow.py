"""Signing a class in order: subject teachers, homeroom teacher, principal and seal."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from hocbaso.records import actions
from hocbaso.records.binding import RecordsRoleBinding
from hocbaso.records.errors import (
    CertificateNotRegisteredError,
    NotAllowedToSignError,
    RecordNotReadyError,
    SigningOutOfOrderError,
)
from hocbaso.records.models import (
    Appointment,
    RecordStatus,
    Role,
    SignatureStep,
    SignerRole,
)
from hocbaso.records.signers import DEPUTY_TITLE
from hocbaso.records.tests.signing.conftest import (
    issue,
    sign_class,
    sign_homeroom,
    sign_subjects,
)
from hocbaso.records.verification import load_trust_store
from hocbaso.signing import Status, verify_packet


def _verify(record):
    return verify_packet(
        bytes(record.packet.data), load_trust_store(), role_binding=RecordsRoleBinding()
    )


def test_a_secondary_class_signed_in_order_gives_valid_issued_packets(district, db):
    cls = district.secondary
    sign_class(district, cls)
    records = list(district.records(cls).select_related("packet"))
    assert len(records) == 3
    signers = district.signers(cls)
    teachers = {p.pk for p in signers.subject_teachers.values()}
    for record in records:
        assert record.status == RecordStatus.ISSUED
        result = _verify(record)
        assert result.status is Status.VALID, result.failures
        roles = [s.role for s in record.signature_steps.order_by("pk")]
        assert roles == [SignerRole.SUBJECT_TEACHER] * len(teachers) + [
            SignerRole.HOMEROOM_TEACHER,
            SignerRole.LEADER,
            SignerRole.SEAL,
        ]
        assert record.packet.issuance_number.endswith(f"/HB-{cls.school.code}")
    numbers = {r.packet.issuance_number for r in records}
    assert len(numbers) == 3


def test_each_step_records_who_signed_with_which_certificate_and_when(district, db):
    cls = district.secondary
    sign_subjects(district, cls)
    step = SignatureStep.objects.filter(record__school_class=cls).first()
    assert step.role == SignerRole.SUBJECT_TEACHER
    assert step.subject_codes and step.certificate.person == step.person
    assert step.signature_id.startswith(f"sig-gvbm-{step.person.personal_id}-")
    assert step.signed_at is not None
    assert set(district.records(cls).values_list("status", flat=True)) == {
        RecordStatus.SIGNING
    }


def test_a_primary_class_has_no_subject_teacher_step(district, db):
    cls = district.primary
    sign_homeroom(district, cls)
    issue(district, cls)
    for record in district.records(cls).select_related("packet"):
        assert _verify(record).status is Status.VALID
        assert not record.signature_steps.filter(role=SignerRole.SUBJECT_TEACHER)


def test_the_homeroom_teacher_cannot_sign_before_the_subject_teachers(district, db):
    cls = district.secondary
    with pytest.raises(SigningOutOfOrderError, match="subject teachers sign before"):
        sign_homeroom(district, cls)
    assert not SignatureStep.objects.filter(record__school_class=cls).exists()


def test_the_principal_cannot_sign_before_the_homeroom_teacher(district, db):
    cls = district.primary
    with pytest.raises(SigningOutOfOrderError, match="homeroom teacher"):
        issue(district, cls)


def test_a_subject_teacher_cannot_sign_a_subject_they_do_not_teach(district, db):
    cls = district.secondary
    teacher = district.signers(cls).subject_teachers["TOAN"]
    taught = set(
        Appointment.objects.filter(person=teacher, school_class=cls).values_list(
            "subject_code", flat=True
        )
    )
    other = next(c for c in district.signers(cls).subject_teachers if c not in taught)
    with pytest.raises(NotAllowedToSignError, match=other):
        actions.sign_as_subject_teacher(
            teacher.user,
            cls,
            district.keys.signer_for_person(teacher),
            subject_codes=["TOAN", other],
        )


def test_a_subject_teacher_of_another_class_is_refused(district, db):
    teacher = district.signers(district.other_secondary).subject_teachers["NV"]
    cls = district.secondary
    if Appointment.objects.filter(person=teacher, school_class=cls).exists():
        Appointment.objects.filter(person=teacher, school_class=cls).delete()
    with pytest.raises(NotAllowedToSignError, match="does not teach"):
        actions.sign_as_subject_teacher(
            teacher.user, cls, district.keys.signer_for_person(teacher)
        )


def test_the_homeroom_teacher_of_another_class_is_refused(district, db):
    other = district.signers(district.other_secondary).homeroom
    with pytest.raises(NotAllowedToSignError, match="not the homeroom teacher"):
        actions.sign_as_homeroom_teacher(
            other.user, district.secondary, district.keys.signer_for_person(other)
        )


def test_staff_of_another_school_are_refused_as_outside_their_scope(district, db):
    outsider = district.signers(district.primary).leader  # another school
    assert outsider.appointments.filter(school=district.secondary.school).count() == 0
    with pytest.raises(NotAllowedToSignError, match="outside your scope"):
        actions.sign_as_homeroom_teacher(
            outsider.user, district.secondary, district.keys.signer_for_person(outsider)
        )
    with pytest.raises(NotAllowedToSignError, match="outside your scope"):
        issue(district, district.secondary, leader=outsider)


def test_an_officer_who_sees_the_school_still_cannot_sign(district, db):
    officer = (
        Appointment.objects.filter(role=Role.UNIT_OFFICER, school_year=district.year)
        .select_related("person__user")
        .first()
        .person
    )
    homeroom = district.signers(district.primary).homeroom
    with pytest.raises(NotAllowedToSignError):
        actions.sign_as_homeroom_teacher(
            officer.user, district.primary, district.keys.signer_for_person(homeroom)
        )


def test_a_login_without_a_member_of_staff_cannot_sign(district, db):
    user = get_user_model().objects.create_user("no-person", password="x")
    homeroom = district.signers(district.primary).homeroom
    with pytest.raises(NotAllowedToSignError, match="not linked"):
        actions.sign_as_homeroom_teacher(
            user, district.primary, district.keys.signer_for_person(homeroom)
        )


def test_signing_with_someone_elses_certificate_is_refused(district, db):
    cls = district.primary
    homeroom = district.signers(cls).homeroom
    leader = district.signers(cls).leader
    with pytest.raises(CertificateNotRegisteredError, match=homeroom.full_name):
        sign_homeroom(district, cls, signer=district.keys.signer_for_person(leader))


def test_a_record_without_results_cannot_be_signed_and_is_named(district, db):
    cls = district.primary
    record = district.records(cls).select_related("transcript__student").first()
    type(record).objects.filter(pk=record.pk).update(results=None)
    with pytest.raises(RecordNotReadyError, match=record.transcript.student.full_name):
        sign_homeroom(district, cls)
    assert not SignatureStep.objects.filter(record__school_class=cls).exists()


def test_a_deputy_chosen_before_signing_signs_for_the_principal(district, db):
    cls = district.primary
    principal = district.signers(cls).leader
    deputy = (
        Appointment.objects.get(
            role=Role.DEPUTY_PRINCIPAL, school=cls.school, school_year=district.year
        )
    ).person
    assert actions.choose_leader(principal.user, actions.class_records(cls), deputy)
    sign_homeroom(district, cls)
    with pytest.raises(SigningOutOfOrderError, match=deputy.full_name):
        issue(district, cls, leader=principal)
    issue(district, cls, leader=deputy)
    record = district.records(cls).select_related("packet").first()
    result = _verify(record)
    assert result.status is Status.VALID, result.failures
    assert result.snapshot.leader.title == DEPUTY_TITLE
