"""A certificate moved to someone else binds no one (records/binding.py).

The attack: a teacher's certificate re-registered to the principal, then the teacher's
key signs the principal's slot (before the check, the registry accepted it and
``hocbaso verify`` said valid). The registration pages and the admin
refuse to move a registration (records/tests/test_certificate_registration.py); here
the row is moved behind them, straight in the database, and the registry and
``hocbaso verify`` must still refuse the packet, because the certificate's own
subject names the teacher, not the principal.
"""

from __future__ import annotations

from django.core.management import CommandError, call_command

from hocbaso.packet import Issuance, build_packet, issue_packet
from hocbaso.records.binding import SUBJECT_MISMATCH
from hocbaso.records.certificates import fingerprint_of
from hocbaso.records.models import Certificate, Round, YearlyRecord
from hocbaso.records.signers import signers_of
from hocbaso.records.snapshot import records_with_rows, snapshot_of
from hocbaso.registry.codes import RecordCode
from hocbaso.registry.models import Submission
from hocbaso.registry.tests.helpers import codes, submit
from hocbaso.signing import Role, sign_packet


def _teacher(district):
    """A teacher of another school: their key signs nothing else in the packet."""
    return district.keys.signer_for_person(signers_of(district.other_primary).homeroom)


def _signed_by_the_teacher_in_the_leaders_slot(district, record) -> bytes:
    homeroom = district.keys.signer_for_person(signers_of(district.primary).homeroom)
    at = district.signed_at
    rows = records_with_rows(YearlyRecord.objects.filter(pk=record.pk))
    packet = build_packet(snapshot_of(rows[0]))
    packet = sign_packet(packet, homeroom, Role.HOMEROOM_TEACHER, signing_time=at)
    packet = sign_packet(packet, _teacher(district), Role.LEADER, signing_time=at)
    packet = issue_packet(packet, Issuance("9/HB", at.date(), "Hà Nội"))
    seal = district.keys.signer_for_school(district.primary.school)
    return sign_packet(packet, seal, Role.SEAL, signing_time=at)


def _move_the_teachers_certificate_to_the_principal(district) -> None:
    print_ = fingerprint_of(_teacher(district).certificate_chain[0])
    moved = Certificate.objects.filter(fingerprint_sha256=print_).update(
        person=signers_of(district.primary).leader
    )
    assert moved == 1


def test_the_registry_refuses_a_packet_signed_with_a_re_registered_certificate(
    district, db, clock, primary_clerk, tmp_path
):
    record = district.records(district.primary, Round.MAIN)[0]
    packet = _signed_by_the_teacher_in_the_leaders_slot(district, record)
    _move_the_teachers_certificate_to_the_principal(district)

    view = submit(district, record, primary_clerk, clock, data=packet)

    (outcome,) = view.records
    assert not outcome.accepted
    assert RecordCode.SIGNER_ROLE in codes(outcome)
    assert any(SUBJECT_MISMATCH in p.message for p in outcome.problems)
    assert not Submission.objects.filter(record=record).exists()

    path = tmp_path / "packet.xml"
    path.write_bytes(packet)
    try:
        call_command("verify", str(path))
    except CommandError as exc:
        assert exc.returncode == 1  # invalid
    else:
        raise AssertionError("hocbaso verify said the packet is valid")
