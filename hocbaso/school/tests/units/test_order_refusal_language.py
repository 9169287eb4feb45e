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
