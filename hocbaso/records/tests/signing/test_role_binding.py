"""The records' role binding: a signature counts only for the role its owner held.

Every packet here is signed by hand with sign_packet, the way a forger with a valid
certificate from the same CA would; verification must name the role binding.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from hocbaso.packet import Issuance, SecondaryResults, build_packet, issue_packet
from hocbaso.records.binding import RecordsRoleBinding
from hocbaso.records.certificates import fingerprint_of
from hocbaso.records.keys import KeyDirectory
from hocbaso.records.models import Certificate, Person, Role, School
from hocbaso.records.snapshot import records_with_rows, snapshot_of
from hocbaso.records.verification import load_trust_store
from hocbaso.signing import KeyFileSigner, Status, sign_packet, verify_packet
from hocbaso.signing import Role as SignerRole

ISSUANCE = Issuance("1/test/HB", dt.date(2026, 6, 25), "Hà Nội")


def _person(personal_id: str) -> Person:
    return Person.objects.get(personal_id=personal_id)


def _sign_by_hand(keys: KeyDirectory, snapshot, homeroom_signer=None, seal=None):
    packet = build_packet(snapshot)
    for teacher in snapshot.subject_teachers():
        packet = sign_packet(
            packet,
            keys.signer_for_person(_person(teacher.personal_id)),
            SignerRole.SUBJECT_TEACHER,
            identifier=teacher.personal_id,
        )
    homeroom = keys.signer_for_person(_person(snapshot.homeroom_teacher.personal_id))
    packet = sign_packet(
        packet, homeroom_signer or homeroom, SignerRole.HOMEROOM_TEACHER
    )
    leader = keys.signer_for_person(_person(snapshot.leader.personal_id))
    packet = issue_packet(sign_packet(packet, leader, SignerRole.LEADER), ISSUANCE)
    school = School.objects.get(code=snapshot.school.code)
    return sign_packet(packet, seal or keys.signer_for_school(school), SignerRole.SEAL)


def _verify(packet: bytes, binding=None):
    return verify_packet(
        packet, load_trust_store(), role_binding=binding or RecordsRoleBinding()
    )


def _snapshot(district, school_class):
    record = records_with_rows(district.records(school_class))[0]
    return snapshot_of(record)


def _binding_failures(result) -> list[str]:
    return [c.reason for c in result.failures if c.name == "role_binding"]


def test_a_packet_signed_by_the_right_people_is_valid(district, db):
    packet = _sign_by_hand(district.keys, _snapshot(district, district.primary))
    result = _verify(packet)
    assert result.status is Status.VALID, result.failures


def test_the_homeroom_teacher_of_another_class_in_the_slot_is_invalid(district, db):
    snapshot = _snapshot(district, district.secondary)
    intruder = district.signers(district.other_secondary).homeroom
    packet = _sign_by_hand(
        district.keys,
        snapshot,
        homeroom_signer=district.keys.signer_for_person(intruder),
    )
    result = _verify(packet)
    assert result.status is Status.INVALID
    assert _binding_failures(result) == [
        f"the certificate is registered to {intruder.full_name}, not to this signer"
    ]


def test_a_packet_naming_another_class_homeroom_teacher_is_invalid(district, db):
    """The forger puts their own name in the data: the certificate then matches the
    slot, and only the appointments tell that they did not teach this class."""
    intruder = district.signers(district.other_secondary).homeroom
    snapshot = dataclasses.replace(
        _snapshot(district, district.secondary),
        homeroom_teacher=dataclasses.replace(
            _snapshot(district, district.secondary).homeroom_teacher,
            name=intruder.full_name,
            personal_id=intruder.personal_id,
        ),
    )
    packet = _sign_by_hand(district.keys, snapshot)
    by_subject = verify_packet(packet, load_trust_store())
    assert by_subject.status is Status.VALID  # the certificate alone cannot tell
    result = _verify(packet)
    assert result.status is Status.INVALID
    assert _binding_failures(result) == [
        f"{intruder.full_name} was not the homeroom teacher of the class in "
        f"{district.year.name}"
    ]


def test_a_subject_given_to_a_teacher_who_did_not_teach_it_is_invalid(district, db):
    snapshot = _snapshot(district, district.secondary)
    results = snapshot.results
    assert isinstance(results, SecondaryResults)
    nv_teacher = next(s.teacher for s in results.subjects if s.code == "NV")
    subjects = tuple(
        dataclasses.replace(s, teacher=nv_teacher) if s.code == "TOAN" else s
        for s in results.subjects
    )
    forged = dataclasses.replace(
        snapshot, results=dataclasses.replace(results, subjects=subjects)
    )
    result = _verify(_sign_by_hand(district.keys, forged))
    assert result.status is Status.INVALID
    assert any("did not teach TOAN" in r for r in _binding_failures(result))


def test_a_certificate_registered_to_nobody_is_invalid(district, db):
    snapshot = _snapshot(district, district.primary)
    homeroom = _person(snapshot.homeroom_teacher.personal_id)
    pki = district.keys.load_ca()
    stranger = pki.person(homeroom.full_name, homeroom.personal_id)
    packet = _sign_by_hand(
        district.keys,
        snapshot,
        homeroom_signer=KeyFileSigner(stranger.key, stranger.chain),
    )
    result = _verify(packet)
    assert result.status is Status.INVALID
    assert _binding_failures(result) == ["the certificate is not registered to anyone"]


def test_the_seal_of_another_school_is_invalid(district, db):
    snapshot = _snapshot(district, district.primary)
    other = School.objects.exclude(code=snapshot.school.code).first()
    packet = _sign_by_hand(
        district.keys, snapshot, seal=district.keys.signer_for_school(other)
    )
    result = _verify(packet)
    assert result.status is Status.INVALID
    assert _binding_failures(result) == [
        f"the certificate is the seal of {other.name}, not of this school"
    ]


def _deputy(district, snapshot) -> Person:
    """The deputy principal of the snapshot's school in the district's year."""
    return Person.objects.get(
        appointments__role=Role.DEPUTY_PRINCIPAL,
        appointments__school__code=snapshot.school.code,
        appointments__school_year=district.year,
    )


def test_a_deputy_claiming_the_principals_title_is_invalid(district, db):
    snapshot = _snapshot(district, district.primary)
    deputy = _deputy(district, snapshot)
    forged = dataclasses.replace(
        snapshot,
        leader=dataclasses.replace(
            snapshot.leader, name=deputy.full_name, personal_id=deputy.personal_id
        ),
    )
    result = _verify(_sign_by_hand(district.keys, forged))
    assert result.status is Status.INVALID
    assert _binding_failures(result) == [
        f"{deputy.full_name} was a deputy but signs with the principal's title"
    ]


def test_the_binding_reads_the_certificate_registry_by_fingerprint(district, db):
    person = district.signers(district.primary).homeroom
    cert = district.keys.person(person).certificate()
    row = Certificate.objects.get(fingerprint_sha256=fingerprint_of(cert))
    assert row.person == person
    assert row.subject_dn == cert.subject.rfc4514_string()


def test_one_binding_reads_a_class_once_and_still_looks_up_strangers(
    district, db, django_assert_num_queries
):
    """The first signature of a class reads its appointments and certificates (class,
    appointments, certificates: three queries); the class's next packets cost none,
    another class's teacher is still refused, and a certificate outside what was read
    is looked up on its own."""
    snapshot = _snapshot(district, district.secondary)
    packet = _sign_by_hand(district.keys, snapshot)
    intruder = district.signers(district.other_secondary).homeroom
    forged = _sign_by_hand(
        district.keys,
        snapshot,
        homeroom_signer=district.keys.signer_for_person(intruder),
    )
    homeroom = _person(snapshot.homeroom_teacher.personal_id)
    stranger = district.keys.load_ca().person(homeroom.full_name, homeroom.personal_id)
    unregistered = _sign_by_hand(
        district.keys,
        snapshot,
        homeroom_signer=KeyFileSigner(stranger.key, stranger.chain),
    )
    binding = RecordsRoleBinding()
    with django_assert_num_queries(3):
        assert _verify(packet, binding).status is Status.VALID
    with django_assert_num_queries(0):
        assert _verify(packet, binding).status is Status.VALID
    result = _verify(forged, binding)
    assert _binding_failures(result) == [
        f"the certificate is registered to {intruder.full_name}, not to this signer"
    ]
    with django_assert_num_queries(1):  # the stranger's certificate, by fingerprint
        result = _verify(unregistered, binding)
    assert _binding_failures(result) == ["the certificate is not registered to anyone"]


def test_decisions_remembered_for_a_class_never_answer_a_packet_asking_otherwise(
    district, db
):
    """One binding answers a class's signatures from the decisions it made for the
    class's first packet; a later packet of the same class whose subject teacher
    claims another subject, or whose deputy takes the principal's title, is judged
    on what it asks, not on what an earlier packet asked."""
    binding = RecordsRoleBinding()
    secondary = _snapshot(district, district.secondary)
    assert _verify(_sign_by_hand(district.keys, secondary), binding).status is (
        Status.VALID
    )
    results = secondary.results
    nv_teacher = next(s.teacher for s in results.subjects if s.code == "NV")
    claims_toan = dataclasses.replace(
        secondary,
        results=dataclasses.replace(
            results,
            subjects=tuple(
                dataclasses.replace(s, teacher=nv_teacher) if s.code == "TOAN" else s
                for s in results.subjects
            ),
        ),
    )
    result = _verify(_sign_by_hand(district.keys, claims_toan), binding)
    assert any("did not teach TOAN" in r for r in _binding_failures(result))

    primary = _snapshot(district, district.primary)
    deputy = _deputy(district, primary)
    as_deputy = dataclasses.replace(
        primary,
        leader=dataclasses.replace(
            primary.leader,
            name=deputy.full_name,
            personal_id=deputy.personal_id,
            title="KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG",
        ),
    )
    assert _verify(_sign_by_hand(district.keys, as_deputy), binding).status is (
        Status.VALID
    )
    as_principal = dataclasses.replace(
        as_deputy, leader=dataclasses.replace(as_deputy.leader, title="HIỆU TRƯỞNG")
    )
    result = _verify(_sign_by_hand(district.keys, as_principal), binding)
    assert _binding_failures(result) == [
        f"{deputy.full_name} was a deputy but signs with the principal's title"
    ]


def test_a_packets_subjects_are_read_once_for_all_its_teachers(
    district, db, monkeypatch
):
    """Which subjects each teacher taught is read once per packet, not once per
    subject teacher's signature, and always from the packet being verified."""
    from hocbaso.records import binding as binding_module

    secondary = _snapshot(district, district.secondary)
    packet = _sign_by_hand(district.keys, secondary)
    read, readings = binding_module._subjects_by_teacher, []

    def counted(snapshot):
        readings.append(snapshot)
        return read(snapshot)

    monkeypatch.setattr(binding_module, "_subjects_by_teacher", counted)
    binding = RecordsRoleBinding()
    for _ in range(2):
        assert _verify(packet, binding).status is Status.VALID
    assert len(readings) == 2 and readings[0] is not readings[1]
    by_teacher = read(secondary)
    teachers = {s.teacher.personal_id for s in secondary.results.subjects}
    for teacher in [*teachers, secondary.homeroom_teacher.personal_id]:
        assert by_teacher.get(teacher, frozenset()) == binding_module._subjects_of(
            secondary, teacher
        )


def test_the_bindings_queries_are_compiled_once_per_process(
    district, db, django_assert_num_queries, monkeypatch
):
    """Building a query cost more than running it: once each query has run in the
    process, a new binding (a new chunk of packets) runs a class's three queries
    and a stranger's lookup without compiling any SQL, and still refuses the
    stranger."""
    from django.db.models.sql.compiler import SQLCompiler

    primary = _sign_by_hand(district.keys, _snapshot(district, district.primary))
    assert _verify(primary).status is Status.VALID
    snapshot = _snapshot(district, district.secondary)
    packet = _sign_by_hand(district.keys, snapshot)
    homeroom = _person(snapshot.homeroom_teacher.personal_id)
    stranger = district.keys.load_ca().person(homeroom.full_name, homeroom.personal_id)
    unregistered = _sign_by_hand(
        district.keys,
        snapshot,
        homeroom_signer=KeyFileSigner(stranger.key, stranger.chain),
    )
    assert _verify(unregistered).status is Status.INVALID  # the stranger's lookup
    compiled = []
    as_sql = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        compiled.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    binding = RecordsRoleBinding()
    with django_assert_num_queries(4):
        assert _verify(packet, binding).status is Status.VALID
        result = _verify(unregistered, binding)
    assert _binding_failures(result) == ["the certificate is not registered to anyone"]
    assert compiled == []
