"""Hash out, signature in: the records' signing actions driven by digests and values."""

from __future__ import annotations

import datetime as dt

import pytest

from hocbaso.records import actions
from hocbaso.records import deferred_actions as deferred
from hocbaso.records.errors import (
    CertificateNotRegisteredError,
    NotAllowedToSignError,
    RecordNotReadyError,
    RecordSigningError,
    SigningOutOfOrderError,
)
from hocbaso.records.models import RecordStatus, SignatureStep, YearlyRecord
from hocbaso.records.signers import signers_of

pytestmark = pytest.mark.django_db


def _sign(signer, digests):
    """What the agent does: sign each digest with the key."""
    return {d.digest: signer.sign_digest(d.digest) for d in digests}


def _homeroom(district, school_class):
    person = signers_of(school_class).homeroom
    return person.user, district.keys.signer_for_person(person)


def test_the_homeroom_teacher_signs_the_class_from_digests(district):
    cls = district.primary
    user, signer = _homeroom(district, cls)
    at = district.now
    digests = deferred.prepare_homeroom(user, cls, signer.certificate_chain, at)
    assert len(digests) == district.records(cls).count() == 3
    assert all(len(d.digest) == 32 for d in digests)
    steps = deferred.complete_homeroom(
        user, cls, signer.certificate_chain, _sign(signer, digests), at
    )
    assert len(steps) == 3
    assert set(district.records(cls).values_list("status", flat=True)) == {
        RecordStatus.SIGNING
    }
    # Prepared again: nothing left to sign (never twice).
    assert deferred.prepare_homeroom(user, cls, signer.certificate_chain, at) == []


def test_a_signature_from_another_key_is_refused_and_nothing_is_written(district):
    cls = district.primary
    user, signer = _homeroom(district, cls)
    other = district.keys.signer_for_person(signers_of(cls).leader)
    at = district.now
    digests = deferred.prepare_homeroom(user, cls, signer.certificate_chain, at)
    forged = _sign(other, digests)  # values from the principal's key
    with pytest.raises(RecordSigningError, match="does not verify"):
        deferred.complete_homeroom(user, cls, signer.certificate_chain, forged, at)
    assert not SignatureStep.objects.filter(record__school_class=cls).exists()


def test_a_certificate_registered_to_someone_else_is_refused(district):
    cls = district.primary
    user, _signer = _homeroom(district, cls)
    other = district.keys.signer_for_person(signers_of(cls).leader)
    with pytest.raises(CertificateNotRegisteredError):
        deferred.prepare_homeroom(user, cls, other.certificate_chain, district.now)


def test_another_teacher_cannot_prepare_the_class(district):
    cls = district.primary
    other_user = signers_of(district.other_primary).homeroom.user
    signer = district.keys.signer_for_person(
        signers_of(district.other_primary).homeroom
    )
    with pytest.raises(NotAllowedToSignError):
        deferred.prepare_homeroom(
            other_user, cls, signer.certificate_chain, district.now
        )


def test_a_record_changed_after_preparing_makes_the_batch_refuse(district):
    cls = district.primary
    user, signer = _homeroom(district, cls)
    at = district.now
    digests = deferred.prepare_homeroom(user, cls, signer.certificate_chain, at)
    values = _sign(signer, digests)
    # Another signing time: other digests than those signed.
    with pytest.raises(RecordSigningError, match="prepare the batch again"):
        deferred.complete_homeroom(
            user, cls, signer.certificate_chain, values, at + dt.timedelta(seconds=1)
        )


def test_subject_teachers_then_homeroom_at_lower_secondary(district):
    cls = district.secondary
    user, signer = _homeroom(district, cls)
    with pytest.raises(SigningOutOfOrderError):
        deferred.prepare_homeroom(user, cls, signer.certificate_chain, district.now)
    for teacher in {
        p.pk: p for p in signers_of(cls).subject_teachers.values()
    }.values():
        key = district.keys.signer_for_person(teacher)
        digests = deferred.prepare_subject_teacher(
            teacher.user, cls, key.certificate_chain, district.now
        )
        assert digests
        deferred.complete_subject_teacher(
            teacher.user, cls, key.certificate_chain, _sign(key, digests), district.now
        )
    digests = deferred.prepare_homeroom(
        user, cls, signer.certificate_chain, district.now
    )
    assert len(digests) == district.records(cls).count()


def test_the_principal_signs_and_seals_in_two_rounds(district):
    cls = district.primary
    user, signer = _homeroom(district, cls)
    actions.sign_as_homeroom_teacher(user, cls, signer, signing_time=district.now)
    leader = signers_of(cls).leader
    leader_key = district.keys.signer_for_person(leader)
    seal_key = district.keys.signer_for_school(cls.school)
    records = actions.class_records(cls)
    at = district.now + dt.timedelta(hours=1)
    first = deferred.prepare_leader(
        leader.user, records, leader_key.certificate_chain, at
    )
    leader_values = _sign(leader_key, first)
    by_record = {d.record_id: leader_values[d.digest] for d in first}
    second = deferred.prepare_seal(
        leader.user,
        records,
        leader_key.certificate_chain,
        by_record,
        seal_key.certificate_chain,
        at,
        issued_on=at.date(),
    )
    assert [d.record_id for d in second] == [d.record_id for d in first]
    deferred.complete_leader_and_seal(
        leader.user,
        records,
        leader_key.certificate_chain,
        leader_values,
        seal_key.certificate_chain,
        _sign(seal_key, second),
        at,
        issued_on=at.date(),
    )
    assert set(district.records(cls).values_list("status", flat=True)) == {
        RecordStatus.ISSUED
    }


def test_a_homeroom_teacher_cannot_sign_for_the_school(district):
    cls = district.primary
    user, signer = _homeroom(district, cls)
    with pytest.raises(NotAllowedToSignError):
        deferred.prepare_leader(
            user, actions.class_records(cls), signer.certificate_chain, district.now
        )


def test_finalise_recomputes_and_refuses_incomplete_drafts(district):
    cls = district.primary
    user, _signer = _homeroom(district, cls)
    drafts = YearlyRecord.objects.filter(school_class=cls, status=RecordStatus.DRAFT)
    n = drafts.count()
    assert n > 0
    assert (
        deferred.finalise_records(user, YearlyRecord.objects.filter(school_class=cls))
        == n
    )
    assert not drafts.exists()
    record = district.records(cls).first()
    record.assessments.filter(term="hk2").first().delete()  # back to draft
    with pytest.raises(RecordNotReadyError) as caught:
        deferred.finalise_records(user, YearlyRecord.objects.filter(pk=record.pk))
    assert caught.value.problems
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT


def test_someone_outside_the_class_cannot_finalise(district):
    cls = district.primary
    outsider = signers_of(district.other_primary).homeroom.user
    with pytest.raises(NotAllowedToSignError):
        deferred.finalise_records(
            outsider, YearlyRecord.objects.filter(school_class=cls)
        )
