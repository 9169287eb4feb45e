"""A signing-order refusal names the roles in the reader's language: the signing
core's reason keeps each role as a value of its own, and the school's signing
path translates the sentence, then the roles."""

from __future__ import annotations

import pytest
from django.utils import translation

from hocbaso.packet import load_packet_tree
from hocbaso.records import signing_steps as steps
from hocbaso.records.signers import signers_of
from hocbaso.signing import Role, SignatureAlgorithm, SignatureOrderError
from hocbaso.signing.deferred import prepare_in_tree

pytestmark = pytest.mark.django_db


def _leader_before_the_homeroom_teacher(district):
    cls = district.primary
    record = district.records(cls).first()
    packet = steps.packet_for(record, signers_of(cls))
    root = load_packet_tree(bytes(packet.data))
    with pytest.raises(SignatureOrderError) as refused:
        prepare_in_tree(
            root,
            Role.LEADER,
            SignatureAlgorithm.ECDSA_SHA256,
            signing_time=district.now,
        )
    return record, refused.value


def test_the_order_refusal_names_the_roles_in_vietnamese(district):
    record, error = _leader_before_the_homeroom_teacher(district)
    with translation.override("vi"):
        text = str(steps.order_refusal(record, error))
    assert "giáo viên chủ nhiệm" in text and "phải ký trước hiệu trưởng" in text
    for english in ("homeroom", "leader", "principal", "must sign", "teacher"):
        assert english not in text, text


def test_the_core_keeps_its_english_sentence_for_logs(district):
    _record, error = _leader_before_the_homeroom_teacher(district)
    assert "the homeroom teacher" in str(error)
    assert str(error).endswith("must sign before the principal")


def test_a_verification_names_the_signers_still_to_sign_in_vietnamese(district):
    from hocbaso.records import actions
    from hocbaso.signing import TrustStore, in_language, verify_packet

    cls = district.primary
    homeroom = signers_of(cls).homeroom
    actions.sign_as_homeroom_teacher(
        homeroom.user,
        cls,
        district.keys.signer_for_person(homeroom),
        signing_time=district.now,
    )
    record = district.records(cls).first()
    record.refresh_from_db()
    result = verify_packet(
        bytes(record.packet.data),
        TrustStore.from_directory(district.trust_dir),
        at=district.now,
    )
    (complete,) = [c for c in result.checks if c.name == "complete"]
    assert not complete.ok
    with translation.override("vi"):
        text = in_language(complete.reason, translation.gettext)
    assert text.startswith("chưa ký: ") and "hiệu trưởng" in text, text
    assert "leader" not in text and "seal" not in text and "_" not in text
