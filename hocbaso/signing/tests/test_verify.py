"""verify_packet: valid, invalid (tampering, wrong signer, revoked, expired) and
indeterminate (untrusted root), with a reason for each."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from lxml import etree

from hocbaso.packet import MAX_PACKET_BYTES
from hocbaso.packet.examples import ISSUANCE
from hocbaso.signing import (
    BindingDecision,
    Role,
    Status,
    TrustStore,
    VerificationFailedError,
    VerificationResult,
    verify_packet,
)
from hocbaso.signing.tests.conftest import (
    NOW,
    SNAPSHOT,
    People,
    sign_all,
    sign_until_leader,
)

DS = "http://www.w3.org/2000/09/xmldsig#"


def verify(data: bytes, store: TrustStore, **options: object) -> VerificationResult:
    return verify_packet(data, store, at=NOW, **options)  # type: ignore[arg-type]


def failed(result: VerificationResult) -> set[str]:
    return {c.name for c in result.failures}


def test_a_completely_signed_packet_is_valid(
    signed: bytes, trust_store: TrustStore
) -> None:
    result = verify(signed, trust_store)
    assert result.status is Status.VALID, result.failures
    assert [r.role for r in result.signatures] == [
        Role.SUBJECT_TEACHER,
        Role.SUBJECT_TEACHER,
        Role.HOMEROOM_TEACHER,
        Role.LEADER,
        Role.SEAL,
    ]
    assert result.snapshot == replace(SNAPSHOT, issuance=ISSUANCE)
    result.raise_for_status()


def test_it_gives_back_the_signed_snapshot_with_its_issuance(
    signed: bytes, trust_store: TrustStore
) -> None:
    result = verify(signed, trust_store)
    assert result.snapshot is not None
    assert result.snapshot.student == SNAPSHOT.student
    assert result.snapshot.issuance is not None


def test_a_changed_score_is_invalid(signed: bytes, trust_store: TrustStore) -> None:
    tampered = signed.replace(
        b"<diemcanam>7.6</diemcanam>", b"<diemcanam>9.6</diemcanam>"
    )
    result = verify(tampered, trust_store)
    assert result.status is Status.INVALID
    assert "integrity" in failed(result)
    assert any(
        "diemtongket-TOAN" in c.reason or "#data" in c.reason for c in result.failures
    )


def test_a_changed_name_is_invalid(signed: bytes, trust_store: TrustStore) -> None:
    tampered = signed.replace(
        "Lê Hoàng Bảo Ngọc".encode(), "Lê Hoàng Bảo Ngân".encode()
    )
    result = verify(tampered, trust_store)
    assert result.status is Status.INVALID
    assert any("thongtinhocba" in c.reason for c in result.failures)


def test_a_changed_lookup_code_is_invalid(
    signed: bytes, trust_store: TrustStore
) -> None:
    tampered = signed.replace(b"a1b2c3d4-e5f6", b"a1b2c3d4-e5f7")
    assert verify(tampered, trust_store).status is Status.INVALID


def test_a_changed_issuance_date_is_invalid(
    signed: bytes, trust_store: TrustStore
) -> None:
    tampered = signed.replace(
        b"<ngaykyphathanh>2025-06-25<", b"<ngaykyphathanh>2025-06-26<"
    )
    result = verify(tampered, trust_store)
    assert result.status is Status.INVALID
    assert any("phathanh" in c.reason for c in result.failures)


def _signature_elements(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(f"{{{DS}}}Signature"))


def test_swapped_signatures_between_slots_are_invalid(
    signed: bytes, trust_store: TrustStore
) -> None:
    root = etree.fromstring(signed)
    sigs = {s.get("Id").split("-")[1]: s for s in _signature_elements(root)}
    homeroom, leader = sigs["gvcn"], sigs["cbql"]
    homeroom_slot, leader_slot = homeroom.getparent(), leader.getparent()
    homeroom_slot.append(leader)
    leader_slot.append(homeroom)
    result = verify(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8"), trust_store
    )
    assert result.status is Status.INVALID
    assert {"coverage", "order"} <= failed(result)


def test_a_removed_signature_is_invalid(signed: bytes, trust_store: TrustStore) -> None:
    root = etree.fromstring(signed)
    teacher = _signature_elements(root)[0]
    teacher.getparent().remove(teacher)
    result = verify(etree.tostring(root), trust_store)
    assert result.status is Status.INVALID
    assert "order" in failed(result)


def test_a_signer_the_role_binding_refuses_is_invalid(
    signed: bytes, trust_store: TrustStore
) -> None:
    def refuse_the_leader(
        role: Role, certificate: object, context: object
    ) -> BindingDecision:
        if role is Role.LEADER:
            return BindingDecision(
                False, "not the principal of this school in 2024-2025"
            )
        return BindingDecision(True, "registered")

    result = verify(signed, trust_store, role_binding=refuse_the_leader)
    assert result.status is Status.INVALID
    assert [c.reason for c in result.failures] == [
        "not the principal of this school in 2024-2025"
    ]


def test_a_certificate_of_another_person_is_invalid_by_default(
    people: People, trust_store: TrustStore
) -> None:
    result = verify(sign_all(people, leader=people.wrong_person), trust_store)
    assert result.status is Status.INVALID
    assert failed(result) == {"role_binding"}


def test_a_certificate_expired_at_signing_time_is_invalid(
    people: People, trust_store: TrustStore
) -> None:
    result = verify(sign_all(people, leader=people.expired_leader), trust_store)
    assert result.status is Status.INVALID
    assert failed(result) == {"validity"}


def test_a_revoked_certificate_is_invalid(
    people: People, trust_store: TrustStore
) -> None:
    result = verify(sign_all(people, leader=people.revoked_leader), trust_store)
    assert result.status is Status.INVALID
    assert failed(result) == {"revocation"}
    assert any("revoked" in c.reason for c in result.failures)


def test_an_untrusted_root_is_indeterminate(
    people: People, trust_store: TrustStore
) -> None:
    result = verify(sign_all(people, leader=people.stranger_leader), trust_store)
    assert result.status is Status.INDETERMINATE
    assert "chain" in failed(result)
    with pytest.raises(VerificationFailedError, match="indeterminate"):
        result.raise_for_status()


def test_a_signing_time_in_the_future_is_invalid(
    signed: bytes, trust_store: TrustStore
) -> None:
    result = verify_packet(signed, trust_store, at=NOW - timedelta(days=1))
    assert result.status is Status.INVALID
    assert "validity" in failed(result)


def test_a_packet_without_the_seal_is_incomplete(
    people: People, trust_store: TrustStore
) -> None:
    partial = sign_until_leader(people)
    assert verify(partial, trust_store).status is Status.INVALID
    assert "complete" in failed(verify(partial, trust_store))
    assert verify(partial, trust_store, require_complete=False).status is Status.VALID


def test_a_packet_with_a_dtd_is_invalid(signed: bytes, trust_store: TrustStore) -> None:
    data = signed.replace(b"?>\n", b"?>\n<!DOCTYPE HOC_BA>\n", 1)
    result = verify(data, trust_store)
    assert result.status is Status.INVALID
    assert failed(result) == {"schema"}


def test_a_packet_with_an_external_entity_is_invalid(
    signed: bytes, trust_store: TrustStore
) -> None:
    dtd = b'<!DOCTYPE HOC_BA [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>\n'
    data = signed.replace(b"?>\n", b"?>\n" + dtd, 1).replace(
        b"<tenlop>7A3<", b"<tenlop>&x;<"
    )
    result = verify(data, trust_store)
    assert result.status is Status.INVALID
    assert "DOCTYPE" in result.failures[0].reason


def test_a_truncated_packet_is_invalid(signed: bytes, trust_store: TrustStore) -> None:
    result = verify(signed[:-200], trust_store)
    assert result.status is Status.INVALID
    assert re.search(r"line \d+", result.failures[0].reason)


def test_an_oversize_packet_is_invalid(signed: bytes, trust_store: TrustStore) -> None:
    data = (
        signed.replace(b"<!--", b"").rstrip()
        + b"<!--"
        + b"x" * MAX_PACKET_BYTES
        + b"-->"
    )
    result = verify(data, trust_store)
    assert result.status is Status.INVALID
    assert "limit" in result.failures[0].reason


def test_a_duplicated_id_is_invalid(signed: bytes, trust_store: TrustStore) -> None:
    # Signature wrapping: a second Id="data" hidden in a signature's Object.
    root = etree.fromstring(signed)
    obj = next(root.iter(f"{{{DS}}}Object"))
    etree.SubElement(obj, f"{{{DS}}}Decoy", Id="data")
    result = verify(etree.tostring(root), trust_store)
    assert result.status is Status.INVALID
    assert "twice" in result.failures[0].reason
