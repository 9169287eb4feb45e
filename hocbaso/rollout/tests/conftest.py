"""A small constructed world with records in every state of the lifecycle.

On top of the suite's ``world`` (school_a with class 4A1 and Nguyễn Minh Anh's
draft record), class 4A1 of school_a gets records placed in each state by
writing the rows the records and registry actions would write: signature steps,
submissions (current, locked, revoked) and the school's round lock. The figures
are then known by construction:

    4A1, main round (8 records):
      finalised, no signature            teachers 0
      homeroom teacher signed            teachers 1
      + principal                        principal 1
      + seal (issued)                    sealed 1
      sealed, submitted, accepted        accepted 1
      sealed, accepted and locked        locked 1
      sealed, submitted then revoked     submitted, not accepted
      sealed, replaced: superseded + a current submission
    4A1, supplementary round: one issued record
    4A1, no round yet: Nguyễn Minh Anh's draft, and one more draft
    4A1: one student enrolled with no record; one transferred out (not counted)
    5A1 (grade 5, outside the pilot): one student with a record (not counted)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from types import SimpleNamespace

import pytest
from django.utils import timezone

from conftest import make_personal_id, make_student
from hocbaso.records.models import (
    Appointment,
    Certificate,
    Enrollment,
    Person,
    Role,
    Round,
    SchoolClass,
    Sex,
    SignatureStep,
    SignerRole,
    Student,
)
from hocbaso.registry.models import (
    Blob,
    Operation,
    Receipt,
    RoundLock,
    SchoolRoundLock,
    ScopeKind,
    Submission,
)

_n = itertools.count(1)

# (status, round, signer roles, registry states of its submissions, locked)
RECORD_STATES = [
    ("finalised", "main", (), (), False),
    ("signing", "main", ("homeroom_teacher",), (), False),
    ("signing", "main", ("homeroom_teacher", "leader"), (), False),
    ("issued", "main", ("homeroom_teacher", "leader", "seal"), (), False),
    ("submitted", "main", ("homeroom_teacher", "leader", "seal"), ("accepted",), False),
    ("submitted", "main", ("homeroom_teacher", "leader", "seal"), ("accepted",), True),
    ("issued", "main", ("homeroom_teacher", "leader", "seal"), ("revoked",), False),
    (
        "submitted",
        "main",
        ("homeroom_teacher", "leader", "seal"),
        ("superseded", "accepted"),
        False,
    ),
    ("issued", "supplementary", ("homeroom_teacher", "leader", "seal"), (), False),
    ("draft", "", (), (), False),
]


def _certificate(person=None, school=None, *, valid=True) -> Certificate:
    now = timezone.now()
    n = next(_n)
    return Certificate.objects.create(
        person=person,
        school=school,
        subject_dn=f"CN=test {n}",
        serial=str(n),
        fingerprint_sha256=hashlib.sha256(f"cert {n}".encode()).hexdigest(),
        not_before=now - dt.timedelta(days=30),
        not_after=now + dt.timedelta(days=300 if valid else -1),
        pem="-----BEGIN CERTIFICATE-----\n(test)\n-----END CERTIFICATE-----\n",
    )


def _blob(at) -> Blob:
    data = f"<packet n='{next(_n)}'/>".encode()
    return Blob.objects.create(
        sha256=hashlib.sha256(data).hexdigest(), data=data, size=len(data), stored_at=at
    )


def _submission(record, state, at, lock=None) -> Submission:
    blob = _blob(at)
    receipt = Receipt.objects.create(
        school=record.school,
        operation=Operation.SUBMIT,
        status=Receipt.Status.PROCESSED,
        blob=blob,
        received_at=at,
    )
    return Submission.objects.create(
        record=record,
        school=record.school,
        record_school=record.school,
        school_year=record.school_year,
        round=record.round,
        grade=record.grade,
        receipt=receipt,
        blob=_blob(at),
        state=state,
        accepted_at=at,
        ledger_index=next(_n),
        withdrawn_at=at if state == "revoked" else None,
        locked_at=at if lock is not None else None,
        lock=lock,
    )


def _school_lock(world, at) -> SchoolRoundLock:
    act = RoundLock.objects.create(
        school_year=world.year,
        round=Round.MAIN,
        scope=ScopeKind.SCHOOL,
        school=world.school_a,
        locked_at=at,
        locked_count=1,
        missing_count=0,
    )
    return SchoolRoundLock.objects.create(
        lock=act,
        school=world.school_a,
        school_year=world.year,
        round=Round.MAIN,
        locked_at=at,
        locked_count=1,
        missing_count=0,
        digest="0" * 64,
        ledger_index=next(_n),
    )


def _signers(world):
    teacher = Person.objects.create(
        full_name="Đỗ Thị Hoa",
        personal_id=make_personal_id(dt.date(1980, 2, 2), Sex.FEMALE),
    )
    leader = Person.objects.create(
        full_name="Vũ Văn Long",
        personal_id=make_personal_id(dt.date(1975, 3, 3), Sex.MALE),
    )
    return {
        SignerRole.HOMEROOM_TEACHER: (teacher, _certificate(teacher), None),
        SignerRole.LEADER: (leader, _certificate(leader), None),
        SignerRole.SEAL: (leader, _certificate(school=world.school_a), world.school_a),
    }


def _appoint_staff(world, signers, grade5) -> None:
    """school_a's signing staff: 3 in post, 2 with a valid certificate, a seal."""
    deputy = signers[SignerRole.HOMEROOM_TEACHER][0]
    principal = signers[SignerRole.LEADER][0]
    teacher = Person.objects.create(
        full_name="Lý Thị Mai",
        personal_id=make_personal_id(dt.date(1990, 4, 4), Sex.FEMALE),
    )
    _certificate(teacher, valid=False)
    for person, role, school_class in (
        (deputy, Role.DEPUTY_PRINCIPAL, None),
        (principal, Role.PRINCIPAL, None),
        (teacher, Role.HOMEROOM_TEACHER, grade5),
    ):
        Appointment.objects.create(
            person=person,
            role=role,
            school_year=world.year,
            school=world.school_a,
            school_class=school_class,
        )


@pytest.fixture
def rollout_world(world):
    """``world`` with class 4A1's records in every state (see the module)."""
    at = timezone.now() - dt.timedelta(days=1)
    signers = _signers(world)
    lock = _school_lock(world, at)
    records = []
    for i, (status, round_name, roles, states, locked) in enumerate(RECORD_STATES):
        if i == len(RECORD_STATES) - 1:
            made = world.a  # Nguyễn Minh Anh's draft is the last "no round" record
        else:
            made = make_student(world.class_a, f"HSA1{i:05d}", f"Học Sinh Số {i}")
        record = made.record
        type(record).objects.filter(pk=record.pk).update(
            status=status, round=round_name
        )
        record.refresh_from_db()
        for role in roles:
            person, certificate, school = signers[role]
            SignatureStep.objects.create(
                record=record,
                role=role,
                person=person,
                school=school,
                certificate=certificate,
                signature_id=f"sig-{role}-{record.pk}",
                signed_at=at,
            )
        for state in states:
            _submission(record, state, at, lock if locked else None)
        records.append(record)
    extra = make_student(world.class_a, "HSA199999", "Học Sinh Nháp")
    no_record = Student.objects.create(
        student_code="HSA188888",
        personal_id=make_personal_id(dt.date(2016, 1, 1), Sex.MALE),
        full_name="Học Sinh Chưa Có Học Bạ",
        sex=Sex.MALE,
        date_of_birth=dt.date(2016, 1, 1),
    )
    Enrollment.objects.create(
        student=no_record, school_class=world.class_a, start_date=world.year.start_date
    )
    left = make_student(world.class_a, "HSA177777", "Học Sinh Chuyển Đi")
    Enrollment.objects.filter(student=left.student).update(
        kind=Enrollment.Kind.TRANSFERRED_OUT, end_date=world.year.start_date
    )
    left.record.delete()
    grade5 = SchoolClass.objects.create(
        school=world.school_a, school_year=world.year, grade=5, name="5A1"
    )
    make_student(grade5, "HSA155555", "Học Sinh Lớp Năm")
    _appoint_staff(world, signers, grade5)
    return SimpleNamespace(
        world=world,
        records=records,
        extra=extra,
        no_record=no_record,
        lock=lock,
        signers=signers,
    )
