"""What verification keeps between packets never lets a forgery through.

A store that has just verified the genuine packet has parsed its certificates,
worked out their chains (keyed by the chains' DER) and cut its canonical forms;
a forgery made from that packet, with the same certificates and the same data,
must still fail, and a certificate that copies the genuine one's names and
serial with another key must not be taken for it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from lxml import etree

from hocbaso.signing import Status, TrustStore, verify_packet
from hocbaso.signing.pki import Credential, DemoPki, new_key
from hocbaso.signing.tests.conftest import NOW, People, sign_all

DS = "http://www.w3.org/2000/09/xmldsig#"


def _edit(signed: bytes, change: Callable[[etree._Element], None]) -> bytes:
    root = etree.fromstring(signed)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _signature(root: etree._Element, stem: str) -> etree._Element:
    return next(
        s for s in root.iter(f"{{{DS}}}Signature") if f"-{stem}-" in s.get("Id")
    )


def _flip_value(root: etree._Element) -> None:
    value = _signature(root, "cbql").find(f"{{{DS}}}SignatureValue")
    text = value.text
    value.text = ("B" if text[0] == "A" else "A") + text[1:]


def _later_signing_time(root: etree._Element) -> None:
    moment = next(_signature(root, "cbql").iter(f"{{{DS}}}SigningTime"))
    moment.text = moment.text.replace("T09:", "T08:")


def _other_issuing_number(root: etree._Element) -> None:
    number = next(e for e in root.iter() if etree.QName(e).localname == "sophathanh")
    number.text = number.text + "1"


def _teacher_digest_for_other_content(root: etree._Element) -> None:
    # The teacher's reference made to claim the homeroom's record digest instead.
    teacher, homeroom = _signature(root, "gvbm"), _signature(root, "gvcn")
    digest = teacher.find(f".//{{{DS}}}DigestValue")
    digest.text = homeroom.find(f".//{{{DS}}}DigestValue").text


SAME_CERTIFICATES_AND_DATA = {
    "signature value changed": _flip_value,
    "signing time changed": _later_signing_time,
    "issuance block changed": _other_issuing_number,
    "a digest swapped": _teacher_digest_for_other_content,
}


@pytest.mark.parametrize("name", list(SAME_CERTIFICATES_AND_DATA))
def test_a_forgery_fails_after_the_genuine_packet_warmed_every_cache(
    name: str, signed: bytes, trust_dir
) -> None:
    store = TrustStore.from_directory(trust_dir)
    assert verify_packet(signed, store, at=NOW).status is Status.VALID
    forged = _edit(signed, SAME_CERTIFICATES_AND_DATA[name])
    assert forged != signed
    result = verify_packet(forged, store, at=NOW)
    assert result.status is Status.INVALID
    assert {c.name for c in result.failures} == {"integrity"}
    # and the genuine packet is still valid with the same store
    assert verify_packet(signed, store, at=NOW).status is Status.VALID


def _impostor(genuine: x509.Certificate) -> Credential:
    """The genuine certificate's names, serial, dates and extensions over another
    key, signed by a key that is not its issuer's."""
    key, forger = new_key("ec"), new_key("ec")
    builder = (
        x509.CertificateBuilder()
        .subject_name(genuine.subject)
        .issuer_name(genuine.issuer)
        .public_key(key.public_key())
        .serial_number(genuine.serial_number)
        .not_valid_before(genuine.not_valid_before_utc)
        .not_valid_after(genuine.not_valid_after_utc)
    )
    for extension in genuine.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    return Credential(builder.sign(forger, hashes.SHA256()), key)


def test_a_certificate_copying_the_known_ones_names_and_serial_is_not_taken_for_it(
    pki: DemoPki, people: People, signed: bytes, trust_dir
) -> None:
    store = TrustStore.from_directory(trust_dir)
    assert verify_packet(signed, store, at=NOW).status is Status.VALID
    genuine = people.leader
    impostor = _impostor(genuine.certificate)
    impostor = Credential(impostor.certificate, impostor.key, genuine.intermediates)
    assert impostor.certificate.subject == genuine.certificate.subject
    assert impostor.certificate.serial_number == genuine.certificate.serial_number

    forged = sign_all(people, leader=impostor)
    result = verify_packet(forged, store, at=NOW)
    assert result.status is not Status.VALID
    chain = [c for c in result.checks if c.name == "chain" and "cbql" in c.signature_id]
    assert not chain[0].ok

    # The impostor's key with the genuine certificate in KeyInfo: the value does
    # not verify with the genuine key.
    swapped = _edit(forged, lambda root: _put_certificate(root, signed))
    result = verify_packet(swapped, store, at=NOW)
    assert result.status is Status.INVALID
    assert "integrity" in {c.name for c in result.failures}

    assert verify_packet(signed, store, at=NOW).status is Status.VALID


def _put_certificate(root: etree._Element, genuine_packet: bytes) -> None:
    genuine = _signature(etree.fromstring(genuine_packet), "cbql")
    mine = _signature(root, "cbql")
    for ours, theirs in zip(
        mine.iter(f"{{{DS}}}X509Certificate"),
        genuine.iter(f"{{{DS}}}X509Certificate"),
        strict=True,
    ):
        ours.text = theirs.text
