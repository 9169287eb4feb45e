"""The XML signature attack classes docs/security.md lists, each on a real signed
packet: what is read must be what was signed, or the packet is invalid.

Classes covered elsewhere are cited in docs/security.md (test_verify, test_fast_path,
packet/tests/test_parse_hidden)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from hocbaso.packet import layout as L
from hocbaso.signing import Role, Status, TrustStore, sign_packet, verify_packet
from hocbaso.signing import xmldsig as X
from hocbaso.signing.pki import DemoPki
from hocbaso.signing.roles import find_slots
from hocbaso.signing.tests.conftest import (
    NOW,
    SIGNED_AT,
    SNAPSHOT,
    People,
    signer,
)

DS = "http://www.w3.org/2000/09/xmldsig#"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"


def _failed(data: bytes, store: TrustStore) -> set[str]:
    result = verify_packet(data, store, at=NOW)
    assert result.status is Status.INVALID
    return {c.name for c in result.failures}


def _reason(data: bytes, store: TrustStore, check: str) -> str:
    result = verify_packet(data, store, at=NOW)
    return next(c.reason for c in result.failures if c.name == check)


def _signatures(root: etree._Element) -> dict[str, etree._Element]:
    """role stem (gvbm, gvcn, cbql, kyphathanh) → its last Signature."""
    return {s.get("Id").split("-")[1]: s for s in root.iter(f"{{{DS}}}Signature")}


def _still_digests_as_signed(data: bytes) -> bool:
    """Whether every reference of every signature still matches under C14N: the
    change is invisible to the signatures themselves (so only reading can catch it)."""
    root = etree.fromstring(data)
    ids = X.index_ids(root)
    return all(X.references_match(s, ids) for s in root.iter(f"{{{DS}}}Signature"))


# Comment and processing-instruction truncation -----------------------------------


def _split_value(signed: bytes, element: bytes, marker: bytes) -> bytes:
    """signed with element's value split by marker before its last two letters."""
    match = re.search(b"<" + element + b">([^<]+)</", signed)
    assert match is not None
    cut = match.start(1) + len(match.group(1).decode()[:-2].encode())
    return signed[:cut] + marker + signed[cut:]


@pytest.mark.parametrize(
    ("element", "marker"),
    [(b"hovaten", b"<!-- -->"), (b"diemcanam", b"<!---->"), (b"tenlop", b"<!---->")],
)
def test_a_value_split_by_a_comment_is_invalid_though_every_digest_matches(
    signed: bytes, trust_store: TrustStore, element: bytes, marker: bytes
) -> None:
    # "Lê Hoàng Bảo Ng<!-- -->ọc" verified valid and read "Lê Hoàng Bảo Ng".
    data = _split_value(signed, element, marker)
    assert _still_digests_as_signed(data)

    result = verify_packet(data, trust_store, at=NOW)

    assert result.status is Status.INVALID
    assert {c.name for c in result.failures} == {"schema"}
    assert "XML comment" in result.failures[0].reason
    assert result.snapshot is None  # nothing is read from it


def test_a_value_split_by_a_processing_instruction_is_refused_before_digests(
    signed: bytes, trust_store: TrustStore
) -> None:
    # C14N keeps instructions, so a signer could have signed one in place; refused
    # as such, whatever the digests say.
    data = _split_value(signed, b"hovaten", b"<?x y?>")

    result = verify_packet(data, trust_store, at=NOW)

    assert {c.name for c in result.failures} == {"schema"}
    assert "processing instruction" in result.failures[0].reason


def test_a_packet_stuffed_with_namespace_declarations_is_refused_before_digests(
    signed: bytes, trust_store: TrustStore
) -> None:
    # Unused prefixes change no value and no digest, but canonicalising costs
    # the square of them: 2 MiB of them held the verifier for hours.
    at = signed.index(b">", signed.index(b"<hovaten"))
    unused = b"".join(b' xmlns:u%d="urn:u:%d"' % (n, n) for n in range(20_000))
    data = signed[:at] + unused + signed[at:]

    result = verify_packet(data, trust_store, at=NOW)

    assert {c.name for c in result.failures} == {"schema"}
    assert "far more XML namespaces" in result.failures[0].reason
    assert result.snapshot is None


def test_a_value_split_by_cdata_is_valid_and_read_whole(
    signed: bytes, trust_store: TrustStore
) -> None:
    data = _split_value(signed, b"hovaten", b"]]>")
    start = data.index(b"<hovaten>") + len(b"<hovaten>")
    data = data[:start] + b"<![CDATA[" + data[start:]

    result = verify_packet(data, trust_store, at=NOW)

    assert result.status is Status.VALID
    assert result.snapshot is not None
    assert result.snapshot.student.full_name == SNAPSHOT.student.full_name


# Signature wrapping ----------------------------------------------------------------


def _add_signature(
    root: etree._Element,
    slot: etree._Element,
    sig_id: str,
    references: list[str],
    credential,
) -> None:
    """A Signature over exactly these references, made by hand (sign_packet makes
    only the profile's) and appended to slot."""
    algorithm = signer(credential).algorithm
    references = [*references, sig_id + X.SIGNING_TIME_SUFFIX]
    signature = X.new_signature(sig_id, algorithm, references, SIGNED_AT)
    slot.append(signature)
    X.fill_digests(signature, X.index_ids(root))
    signed_info = X.canonicalize(X.signed_info_of(signature))
    value = signer(credential).sign_digest(hashlib.sha256(signed_info).digest())
    signature.find(f"{{{DS}}}SignatureValue").text = X.b64(value)
    X.add_key_info(signature, credential.chain)


def _plant_seal(signed: bytes, pki: DemoPki) -> bytes:
    """A second "seal" slot hidden in an unsigned Object of the real seal (where the
    schema's lax processing does not look), signed by another school's trusted
    certificate over the data and every earlier signature."""
    root = etree.fromstring(signed)
    real = _signatures(root)["kyphathanh"]
    obj = etree.SubElement(real, f"{{{DS}}}Object")
    slot = etree.SubElement(obj, L.q(L.SEAL_SLOT), matruong="99999999")
    earlier = [s.get("Id") for s in root.iter(f"{{{DS}}}Signature") if s is not real]
    credential = pki.organisation("Trường THCS Khác", "99999999")
    _add_signature(
        root,
        slot,
        "sig-kyphathanh-99999999-1",
        [L.DATA_ID, L.ISSUANCE_ID, *earlier],
        credential,
    )
    return etree.tostring(root)


def test_a_slot_hidden_inside_a_signature_is_refused(
    signed: bytes, trust_store: TrustStore, pki: DemoPki
) -> None:
    data = _plant_seal(signed, pki)

    result = verify_packet(data, trust_store, at=NOW)

    assert result.status is Status.INVALID
    assert {c.name for c in result.failures} == {"schema"}
    assert "KY_PHAT_HANH" in result.failures[0].reason
    assert result.signatures == ()


def test_data_moved_into_an_object_and_replaced_is_invalid(
    signed: bytes, trust_store: TrustStore
) -> None:
    # The classic wrapping: the signed data kept (with its Id) where no reader
    # looks, a changed copy where the reader looks, under the same Id.
    root = etree.fromstring(signed)
    data = root.find(L.q(L.DATA))
    original = etree.fromstring(etree.tostring(data))
    for score in data.iter(L.q("diemcanam")):
        score.text = "10.0"
    obj = next(root.iter(f"{{{DS}}}Object"))
    obj.append(original)

    # Both Ids are xs:ID-like types of the schema, and index_ids refuses twins too.
    assert _failed(etree.tostring(root), trust_store) == {"schema"}


def test_a_subject_row_signed_elsewhere_under_its_id_is_invalid(
    signed: bytes, trust_store: TrustStore
) -> None:
    # The referenced element taken out of its signed place: the subject row the
    # teacher signed moved into an Object, the table's row given another Id.
    root = etree.fromstring(signed)
    row = next(root.iter(L.q(L.SUBJECT)))
    moved = etree.fromstring(etree.tostring(row))
    row.set("Id", row.get("Id") + "-x")
    next(root.iter(f"{{{DS}}}Object")).append(moved)

    assert "schema" in _failed(etree.tostring(root), trust_store)


# References and transforms ---------------------------------------------------------


def _with_reference(signed: bytes, change) -> bytes:
    root = etree.fromstring(signed)
    reference = next(_signatures(root)["cbql"].iter(f"{{{DS}}}Reference"))
    change(reference)
    return etree.tostring(root)


@pytest.mark.parametrize(
    "uri",
    [
        "",
        "http://127.0.0.1:9/data.xml",
        "file:///etc/passwd",
        "data",
        "#xpointer(/)",
        "#xpointer(id('data'))",
    ],
)
def test_a_reference_to_anything_but_a_same_document_id_is_invalid(
    signed: bytes, trust_store: TrustStore, uri: str
) -> None:
    data = _with_reference(signed, lambda r: r.set("URI", uri))

    assert _failed(data, trust_store) & {"structure", "integrity"}
    assert "coverage" not in _failed(data, trust_store) or uri.startswith("#x")


@pytest.mark.parametrize(
    "algorithm",
    [
        "http://www.w3.org/TR/1999/REC-xpath-19991116",
        "http://www.w3.org/2002/06/xmldsig-filter2",
        "http://www.w3.org/TR/1999/REC-xslt-19991116",
        "http://www.w3.org/2000/09/xmldsig#base64",
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        "http://www.w3.org/2001/10/xml-exc-c14n#",
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    ],
)
def test_a_transform_outside_the_profile_is_refused(
    signed: bytes, trust_store: TrustStore, algorithm: str
) -> None:
    def change(reference: etree._Element) -> None:
        reference.find(f"{{{DS}}}Transforms/{{{DS}}}Transform").set(
            "Algorithm", algorithm
        )

    reason = _reason(_with_reference(signed, change), trust_store, "structure")
    assert "transform" in reason


@pytest.mark.parametrize(
    "extra",
    [
        f'<XPath xmlns="{DS}">not(ancestor-or-self::*)</XPath>',
        '<x:Stylesheet xmlns:x="http://www.w3.org/1999/XSL/Transform"/>',
    ],
)
def test_a_transform_carrying_parameters_or_a_stray_child_is_refused(
    signed: bytes, trust_store: TrustStore, extra: str
) -> None:
    def inside(reference: etree._Element) -> None:
        reference.find(f"{{{DS}}}Transforms/{{{DS}}}Transform").append(
            etree.fromstring(extra)
        )

    def beside(reference: etree._Element) -> None:
        reference.find(f"{{{DS}}}Transforms").append(etree.fromstring(extra))

    for change in (inside, beside):
        reason = _reason(_with_reference(signed, change), trust_store, "structure")
        assert "transform" in reason.lower()


def test_a_sha1_digest_is_refused(signed: bytes, trust_store: TrustStore) -> None:
    data = _with_reference(
        signed, lambda r: r.find(f"{{{DS}}}DigestMethod").set("Algorithm", SHA1)
    )

    assert "SHA-256" in _reason(data, trust_store, "structure")


@pytest.mark.parametrize(
    "method",
    [
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1",
        "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
        "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
    ],
)
def test_a_weaker_or_keyless_signature_method_is_refused(
    signed: bytes, trust_store: TrustStore, method: str
) -> None:
    root = etree.fromstring(signed)
    _signatures(root)["cbql"].find(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod").set(
        "Algorithm", method
    )

    assert "not accepted" in _reason(etree.tostring(root), trust_store, "structure")


def test_a_canonicalization_with_comments_is_refused(
    signed: bytes, trust_store: TrustStore
) -> None:
    root = etree.fromstring(signed)
    _signatures(root)["cbql"].find(
        f"{{{DS}}}SignedInfo/{{{DS}}}CanonicalizationMethod"
    ).set("Algorithm", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments")

    assert "C14N" in _reason(etree.tostring(root), trust_store, "structure")


# KeyInfo and certificates ----------------------------------------------------------


def test_a_key_info_naming_a_certificate_that_did_not_sign_is_invalid(
    signed: bytes, trust_store: TrustStore, people: People
) -> None:
    # A first X509Data put before the signer's: the first certificate is the key.
    root = etree.fromstring(signed)
    key_info = _signatures(root)["cbql"].find(f"{{{DS}}}KeyInfo")
    stranger = etree.SubElement(key_info, f"{{{DS}}}X509Data")
    etree.SubElement(stranger, f"{{{DS}}}X509Certificate").text = X.b64(
        people.wrong_person.chain[0].public_bytes(Encoding.DER)
    )
    key_info.insert(0, stranger)

    assert "integrity" in _failed(etree.tostring(root), trust_store)


def test_a_chain_given_in_the_wrong_order_is_invalid(
    signed: bytes, trust_store: TrustStore
) -> None:
    root = etree.fromstring(signed)
    data = _signatures(root)["cbql"].find(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data")
    certificates = data.findall(f"{{{DS}}}X509Certificate")
    assert len(certificates) >= 2
    certificates[0].text, certificates[1].text = (
        certificates[1].text,
        certificates[0].text,
    )

    assert "integrity" in _failed(etree.tostring(root), trust_store)


def test_a_signing_time_before_the_certificate_was_valid_is_invalid(
    people: People, trust_store: TrustStore
) -> None:
    from hocbaso.packet import build_packet
    from hocbaso.signing.tests.conftest import sign_teachers

    before = people.homeroom.chain[0].not_valid_before_utc - timedelta(days=1)
    packet = sign_teachers(build_packet(SNAPSHOT), people)
    packet = sign_packet(
        packet, signer(people.homeroom), Role.HOMEROOM_TEACHER, signing_time=before
    )

    result = verify_packet(packet, trust_store, at=NOW, require_complete=False)

    assert {c.name for c in result.failures} == {"validity"}


# Size and depth --------------------------------------------------------------------


def test_nesting_beyond_the_parser_limit_in_a_signature_is_invalid(
    signed: bytes, trust_store: TrustStore
) -> None:
    deep = b"<d>" * 300 + b"</d>" * 300
    data = signed.replace(b"</Object>", deep + b"</Object>", 1)
    assert data != signed

    reason = _reason(data, trust_store, "schema")
    assert re.search(r"line \d+", reason)


def test_slots_are_found_only_where_the_schema_places_them(
    signed: bytes, pki: DemoPki
) -> None:
    # find_slots read every element of a slot's name, the hidden one included.
    root = etree.fromstring(_plant_seal(signed, pki))

    slots = find_slots(root)

    assert [p.slot.identifier for p in slots if p.slot.role is Role.SEAL] == [
        SNAPSHOT.school.code
    ]


def test_a_reference_to_an_id_the_role_does_not_sign_is_invalid(
    people: People, trust_store: TrustStore
) -> None:
    from hocbaso.packet import build_packet
    from hocbaso.signing.tests.conftest import sign_teachers

    packet = sign_teachers(build_packet(SNAPSHOT), people)
    packet = sign_packet(
        packet, signer(people.homeroom), Role.HOMEROOM_TEACHER, signing_time=SIGNED_AT
    )
    root = etree.fromstring(packet)
    earlier = [s.get("Id") for s in root.iter(f"{{{DS}}}Signature")]
    leader_slot = root.find(f"{L.q(L.ISSUE)}/{L.q(L.LEADER_SLOT)}")
    extra = earlier[0] + X.SIGNING_TIME_SUFFIX  # an Object inside a teacher's
    sig_id = f"sig-cbql-{SNAPSHOT.leader.personal_id}-1"
    _add_signature(
        root, leader_slot, sig_id, [L.DATA_ID, *earlier, extra], people.leader
    )

    result = verify_packet(
        etree.tostring(root), trust_store, at=NOW, require_complete=False
    )

    assert {c.name for c in result.failures} == {"coverage"}
    assert extra in result.failures[0].reason


def test_a_subject_name_that_is_not_the_certificates_is_invalid(
    signed: bytes, trust_store: TrustStore
) -> None:
    # KeyInfo is not signed: the name shown must come from the certificate.
    root = etree.fromstring(signed)
    name = _signatures(root)["cbql"].find(f".//{{{DS}}}X509SubjectName")
    name.text = "CN=Ngô Văn Khác,UID=CCCD:001099000000"

    assert "X509SubjectName" in _reason(etree.tostring(root), trust_store, "integrity")
