"""The shape of each Signature (domain.md §6.2) and the signing order."""

from __future__ import annotations

import pytest
from lxml import etree

from hocbaso.packet import build_packet
from hocbaso.packet.examples import TEACHERS
from hocbaso.signing import Role, SignatureOrderError, SlotNotFoundError, sign_packet
from hocbaso.signing.tests.conftest import (
    SIGNED_AT,
    SNAPSHOT,
    People,
    sign_teachers,
    signer,
)

DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"ds": DS, "h": "urn:hocbaso:packet:1"}


def signature_in(packet: bytes, slot_path: str) -> etree._Element:
    return etree.fromstring(packet).find(f"{slot_path}/ds:Signature", NS)


def test_a_signature_sits_in_its_slot_with_the_profile_algorithms(
    signed: bytes,
) -> None:
    sig = signature_in(signed, "h:DANH_SACH_THONG_TIN_KY/h:GVCN")
    assert sig.nsmap[None] == DS and sig.get("Id") == "sig-gvcn-001185012345-1"
    assert sig.find("ds:SignedInfo/ds:CanonicalizationMethod", NS).get("Algorithm") == (
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    )
    assert (
        sig.find("ds:SignedInfo/ds:SignatureMethod", NS)
        .get("Algorithm")
        .endswith("#rsa-sha256")
    )
    digests = {d.get("Algorithm") for d in sig.iterfind(".//ds:DigestMethod", NS)}
    assert digests == {"http://www.w3.org/2001/04/xmlenc#sha256"}


def test_each_role_references_its_data_its_signing_time_then_earlier_signatures(
    signed: bytes,
) -> None:
    root = etree.fromstring(signed)
    uris = {
        s.get("Id").split("-")[1] + s.get("Id").split("-")[2]: [
            r.get("URI") for r in s.iterfind("ds:SignedInfo/ds:Reference", NS)
        ]
        for s in root.iter(f"{{{DS}}}Signature")
    }
    assert uris["gvbm001080011111"] == [
        "#diemtongket-TOAN",
        "#diemtongket-NV",
        "#sig-gvbm-001080011111-1-signingtime",
    ]
    assert uris["gvcn001185012345"][:5] == [
        "#thongtinhocba",
        "#diemtongket-TOAN",
        "#diemtongket-NV",
        "#diemtongket-MT",
        "#diemtongket-GDTC",
    ]
    assert uris["gvcn001185012345"][6:] == [
        "#sig-gvbm-001080011111-1",
        "#sig-gvbm-001186022222-1",
    ]
    assert uris["cbql001178054321"][0] == "#data"
    assert uris["kyphathanh01023456"][:2] == ["#data", "#phathanh"]
    assert len(uris["kyphathanh01023456"]) == 3 + 4


def test_the_signing_time_is_vietnam_time_with_its_offset(signed: bytes) -> None:
    sig = signature_in(signed, "h:PHAT_HANH_HOC_BA/h:CBQL")
    time = sig.findtext(
        "ds:Object/ds:SignatureProperties/ds:SignatureProperty/ds:SigningTime",
        namespaces=NS,
    )
    assert time == "2025-06-20T09:00:00+07:00"
    assert sig.find("ds:Object/ds:SignatureProperties/ds:SignatureProperty", NS).get(
        "Target"
    ) == "#" + sig.get("Id")


def test_key_info_names_the_signer_and_carries_the_chain(
    signed: bytes, people: People
) -> None:
    sig = signature_in(signed, "h:PHAT_HANH_HOC_BA/h:CBQL")
    assert "CN=Phan Thị Mai" in sig.findtext(
        "ds:KeyInfo/ds:X509Data/ds:X509SubjectName", namespaces=NS
    )
    assert len(sig.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)) == 2


def test_the_homeroom_teacher_cannot_sign_before_every_subject_teacher(
    people: People,
) -> None:
    packet = build_packet(SNAPSHOT)
    packet = sign_packet(
        packet,
        signer(people.teachers[0]),
        Role.SUBJECT_TEACHER,
        identifier=TEACHERS[0].personal_id,
    )
    with pytest.raises(SignatureOrderError, match="001186022222 must sign before"):
        sign_packet(packet, signer(people.homeroom), Role.HOMEROOM_TEACHER)


def test_a_subject_teacher_cannot_sign_after_the_homeroom_teacher(
    people: People,
) -> None:
    packet = sign_teachers(build_packet(SNAPSHOT), people)
    packet = sign_packet(packet, signer(people.homeroom), Role.HOMEROOM_TEACHER)
    with pytest.raises(SignatureOrderError, match="already signed"):
        sign_packet(
            packet,
            signer(people.teachers[0]),
            Role.SUBJECT_TEACHER,
            identifier=TEACHERS[0].personal_id,
        )


def test_the_seal_needs_the_issuance_block(people: People) -> None:
    packet = sign_teachers(build_packet(SNAPSHOT), people)
    packet = sign_packet(packet, signer(people.homeroom), Role.HOMEROOM_TEACHER)
    packet = sign_packet(packet, signer(people.leader), Role.LEADER)
    with pytest.raises(SignatureOrderError, match="issuance"):
        sign_packet(packet, signer(people.seal), Role.SEAL)


def test_re_signing_adds_a_signature_and_keeps_the_first(people: People) -> None:
    packet = sign_teachers(build_packet(SNAPSHOT), people)
    once = sign_packet(
        packet, signer(people.homeroom), Role.HOMEROOM_TEACHER, signing_time=SIGNED_AT
    )
    twice = sign_packet(once, signer(people.homeroom), Role.HOMEROOM_TEACHER)
    ids = [
        s.get("Id")
        for s in etree.fromstring(twice).iterfind(".//h:GVCN/ds:Signature", NS)
    ]
    assert ids == ["sig-gvcn-001185012345-1", "sig-gvcn-001185012345-2"]
    assert twice.startswith(once[: once.index(b"</GVCN>")])


def test_signing_for_a_teacher_without_a_slot_is_refused(people: People) -> None:
    with pytest.raises(SlotNotFoundError):
        sign_packet(
            build_packet(SNAPSHOT),
            signer(people.wrong_person),
            Role.SUBJECT_TEACHER,
            identifier="001099000000",
        )
