"""A Signature read from its cut of the packet's canonical text reads exactly as
element by element: the same values, or, for anything this profile does not
write, the element-by-element reading with its own verdict and reason."""

from __future__ import annotations

import base64
import tracemalloc

import pytest
from lxml import etree

from hocbaso.packet import load_packet_tree
from hocbaso.signing import _canonical_read, _parsed
from hocbaso.signing import xmldsig as X
from hocbaso.signing._parsed import MalformedSignatureError, parse_signature
from hocbaso.signing.roles import find_slots

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
# Replacements made in turn in the first Signature after its SignedInfo (each at
# its first place after the last): each leaves the profile's exact writing, so
# the reading from the canonical text must step aside.
MUTATIONS = {
    "whitespace between elements": [("<KeyInfo>", "<KeyInfo>\n ")],
    "a value on two lines": [("<SignatureValue>", "<SignatureValue>\n")],
    "a value that is not base64": [("<SignatureValue>", "<SignatureValue>*")],
    "an escaped subject name": [("<X509SubjectName>", "<X509SubjectName>&amp;")],
    "an empty subject name": [
        ("<X509SubjectName>", "<X509SubjectName/><Foo>"),
        ("</X509SubjectName>", "</Foo>"),
    ],
    "no subject name": [
        ("<X509SubjectName>", "<Foo>"),
        ("</X509SubjectName>", "</Foo>"),
    ],
    "a certificate that is not one": [("<X509Certificate>", "<X509Certificate>AAAA")],
    "a certificate that is not base64": [("<X509Certificate>", "<X509Certificate>*")],
    "a second X509Data": [("</X509Data>", "</X509Data><X509Data/>")],
    "a KeyInfo in another namespace": [("<KeyInfo>", '<KeyInfo xmlns="urn:x">')],
    "a prefixed X509Data": [
        ("<KeyInfo>", f'<KeyInfo xmlns:ds="{DS}">'),
        ("<X509Data>", "<ds:X509Data>"),
        ("</X509Data>", "</ds:X509Data>"),
    ],
    "a second signing time": [
        ("</SigningTime>", "</SigningTime><SigningTime>2020-01-01</SigningTime>")
    ],
    "a signing time without offset": [("+07:00</SigningTime>", "</SigningTime>")],
    "a signing time that is no time": [("<SigningTime>", "<SigningTime>x")],
    "another property target": [('Target="#', 'Target="#x')],
    "a signing time Object of another Id": [("-signingtime", "-signingtime2")],
    "an attribute on the Object": [("<Object ", '<Object Encoding="x" ')],
    "a second Object": [("</Object>", '</Object><Object Id="x"></Object>')],
    "a timestamp": [
        (
            "</Object>",
            f'</Object><Object><QualifyingProperties xmlns="{XADES}">'
            "<UnsignedProperties><UnsignedSignatureProperties><SignatureTimeStamp>"
            "<EncapsulatedTimeStamp>AAAA</EncapsulatedTimeStamp></SignatureTimeStamp>"
            "</UnsignedSignatureProperties></UnsignedProperties>"
            "</QualifyingProperties></Object>",
        )
    ],
    "a comment in the value": [("<SignatureValue>", "<SignatureValue><!---->")],
}


def _outcome(element, placed, canonical):
    try:
        parsed = parse_signature(element, placed, canonical)
    except MalformedSignatureError as exc:
        return "refused", str(exc)
    return (
        parsed.signature_id,
        parsed.algorithm,
        parsed.references,
        parsed.value,
        parsed.certificate_der,
        [c.fingerprint(c.signature_hash_algorithm) for c in parsed.certificates],
        parsed.subject_name,
        parsed.signing_time,
        parsed.timestamp,
    )


def _signatures(root):
    return [(sig, placed) for placed in find_slots(root) for sig in placed.signatures()]


def test_every_signature_of_a_packet_is_read_from_its_canonical_cut(
    signed, monkeypatch
):
    root = load_packet_tree(signed)
    canonical = X.CanonicalTree(root, X.index_ids(root))
    slow = [_outcome(s, p, None) for s, p in _signatures(root)]

    def must_not_be_needed(*_args):
        raise AssertionError("read element by element")

    for name in ("_certificates", "_signing_time", "_read_signed_info", "_one"):
        monkeypatch.setattr(_parsed, name, must_not_be_needed)
    fast = [_outcome(s, p, canonical) for s, p in _signatures(root)]
    assert fast == slow and len(fast) >= 4
    for element, placed in _signatures(root):
        signed_info = X.signed_info_of(element)
        assert parse_signature(element, placed, canonical).signed_info == (
            X.canonicalize(signed_info)
        )


def test_a_signature_read_from_its_cut_keeps_no_value_of_another_packet(signed):
    # The same certificates, another packet's values: nothing read from the first
    # packet's text may answer for the second's.
    text = signed.decode()
    at = text.index("<SigningTime>") + len("<SigningTime>")
    other = (text[:at] + "2026-06-01T08:00:00+07:00" + text[at + 25 :]).encode()
    for packet in (signed, other):
        root = load_packet_tree(packet)
        canonical = X.CanonicalTree(root, X.index_ids(root))
        element, placed = _signatures(root)[0]
        assert _outcome(element, placed, canonical) == _outcome(element, placed, None)
    assert _outcome(element, placed, canonical)[7].day == 1


def test_a_chain_is_decoded_once_for_every_packet_it_signs(signed):
    # The same objects come back: the certificate and chain caches keyed by
    # them hash each once.
    read = []
    for _packet in range(2):
        root = load_packet_tree(signed)
        canonical = X.CanonicalTree(root, X.index_ids(root))
        element, placed = _signatures(root)[0]
        read.append(parse_signature(element, placed, canonical).certificate_der)
    first, second = read
    assert first == second and len(first) >= 2
    assert all(a is b for a, b in zip(first, second, strict=True))


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_a_signature_outside_the_exact_writing_reads_element_by_element(signed, case):
    text = signed.decode()
    at = text.index("</SignedInfo>")
    end = text.index("</Signature>", at)
    for old, new in MUTATIONS[case]:
        at = text.index(old, at)
        assert at < end, old
        text = text[:at] + new + text[at + len(old) :]
        end += len(new) - len(old)
    parser = etree.XMLParser(remove_comments=False, resolve_entities=False)
    root = etree.fromstring(text.encode(), parser)
    canonical = X.CanonicalTree(root)
    element, placed = _signatures(root)[0]
    assert (
        _parsed._read_canonical_signature(element, element.get("Id"), placed, canonical)
        is None
    )
    assert _outcome(element, placed, canonical) == _outcome(element, placed, None)


def _chain_text(*ders: bytes) -> bytes:
    return b"".join(
        b"<X509Certificate>%s</X509Certificate>" % base64.b64encode(d) for d in ders
    )


def test_a_long_chain_is_decoded_but_not_kept():
    text = _chain_text(b"x" * _canonical_read._MAX_CHAIN_TEXT)
    assert _canonical_read._chain_der(text) == (b"x" * _canonical_read._MAX_CHAIN_TEXT,)
    assert text not in _canonical_read._CHAIN_DER


def test_the_chains_kept_are_bounded_by_their_bytes(monkeypatch):
    # Any text that decodes is kept (whether it is a certificate is known only
    # later): a flood of strangers must not grow the process.
    monkeypatch.setattr(_canonical_read, "_CHAIN_DER", {})
    monkeypatch.setattr(_canonical_read, "_cached_bytes", 0)
    monkeypatch.setattr(_canonical_read, "_MAX_CACHED_BYTES", 64 * 1024)
    for n in range(200):
        text = _chain_text(n.to_bytes(4, "big") * 400)
        assert _canonical_read._chain_der(text) == (n.to_bytes(4, "big") * 400,)
        kept = sum(
            2 * len(t) + _canonical_read._ENTRY_OVERHEAD
            for t in _canonical_read._CHAIN_DER
        )
        assert kept <= 64 * 1024
        assert kept == _canonical_read._cached_bytes
    assert text in _canonical_read._CHAIN_DER


def test_a_flood_of_tiny_chains_keeps_no_more_memory_than_the_bound(monkeypatch):
    # One short certificate text per chain: the bytes counted are a third of
    # what each entry holds (its objects, the table's slot).
    bound = 1024 * 1024
    monkeypatch.setattr(_canonical_read, "_CHAIN_DER", {})
    monkeypatch.setattr(_canonical_read, "_cached_bytes", 0)
    monkeypatch.setattr(_canonical_read, "_MAX_CACHED_BYTES", bound)
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for n in range(30_000):
            _canonical_read._chain_der(_chain_text(n.to_bytes(3, "big")))
        peak = tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()
    assert peak < 1.25 * bound


def test_a_chain_that_is_not_base64_is_not_kept():
    text = _chain_text(b"abc") + b"<X509Certificate>*</X509Certificate>"
    assert _canonical_read._chain_der(text) is None
    assert text not in _canonical_read._CHAIN_DER
