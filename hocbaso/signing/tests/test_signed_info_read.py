"""A SignedInfo read from its canonical form reads exactly as element by element:
the same method and references, or, for anything this profile does not write, the
element-by-element reading with its own verdict and reason."""

from __future__ import annotations

import pytest
from lxml import etree

from hocbaso.packet import load_packet_tree
from hocbaso.signing import _parsed
from hocbaso.signing import xmldsig as X
from hocbaso.signing._parsed import MalformedSignatureError, parse_signature
from hocbaso.signing.algorithms import C14N_10, DS_NS
from hocbaso.signing.roles import find_slots

C14N = C14N_10
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
EXCLUSIVE = "http://www.w3.org/2001/10/xml-exc-c14n#"
REFERENCE = '<Reference URI="#'
TRANSFORM = f'<Transform Algorithm="{C14N}"/>'
SHA256_METHOD = '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
# Replacements made in turn in the first SignedInfo (each at its first place
# after the last): each leaves the profile's exact writing, so the canonical
# reading must step aside for the element-by-element one.
MUTATIONS = {
    "XPath transform": [(TRANSFORM, f'<Transform Algorithm="{XPATH}"/>')],
    "transform with a parameter": [
        (TRANSFORM, f'<Transform Algorithm="{C14N}"><XPath>1</XPath></Transform>')
    ],
    "two transforms": [(TRANSFORM, TRANSFORM * 2)],
    "enveloped transform": [(TRANSFORM, f'<Transform Algorithm="{ENVELOPED}"/>')],
    "SHA-1 digest": [
        ("xmlenc#sha256", "xmldsig#sha1"),
    ],
    "two digest methods": [(SHA256_METHOD, SHA256_METHOD * 2)],
    "exclusive C14N": [
        (f'Method Algorithm="{C14N}"', f'Method Algorithm="{EXCLUSIVE}"')
    ],
    "HMAC method": [("xmldsig-more#", "xmldsig-more#hmac-")],
    "external URI": [(REFERENCE, '<Reference URI="https://example.com/x#')],
    "bare #": [(REFERENCE, '<Reference URI="#" Old="')],
    "escaped Id": [(REFERENCE, '<Reference URI="#&amp;')],
    "a Type attribute": [(REFERENCE, '<Reference Type="urn:x" URI="#')],
    "an Id on SignedInfo": [("<SignedInfo>", '<SignedInfo Id="si">')],
    "whitespace between elements": [("<Transforms>", "<Transforms>\n ")],
    "a prefixed digest value": [
        ("<SignedInfo>", f'<SignedInfo xmlns:ds="{DS_NS}">'),
        ("<DigestValue>", "<ds:DigestValue>"),
        ("</DigestValue>", "</ds:DigestValue>"),
    ],
    "transforms in another namespace": [
        ("<Transforms>", '<Transforms xmlns="urn:other">')
    ],
    "an unknown element": [("<SignatureMethod", "<Foo/><SignatureMethod")],
    "digest with a space": [("<DigestValue>", "<DigestValue> ")],
    "data after the padding": [("</DigestValue>", "A</DigestValue>")],
    "a comment in a digest": [("<DigestValue>", "<DigestValue><!---->")],
    "text between references": [("</Reference>", "</Reference>x")],
    "an element between references": [("</Reference>", "</Reference><Foo/>")],
    "text before the references": [('"/><Reference', '"/>x<Reference')],
    "text after the references": [("</Reference><Refer", "</Reference>x<Refer")],
}


def _outcome(element, placed, canonical):
    try:
        parsed = parse_signature(element, placed, canonical)
    except MalformedSignatureError as exc:
        return "refused", str(exc)
    return parsed.algorithm, parsed.references


def _signatures(root):
    return [(sig, placed) for placed in find_slots(root) for sig in placed.signatures()]


def _tree(packet: bytes):
    parser = etree.XMLParser(remove_comments=False, resolve_entities=False)
    return etree.fromstring(packet, parser)


def test_every_signature_of_a_packet_is_read_from_its_canonical_form(
    signed, monkeypatch
):
    root = load_packet_tree(signed)
    canonical = X.CanonicalTree(root)
    slow = [_outcome(s, p, None) for s, p in _signatures(root)]

    def must_not_be_needed(_element):
        raise AssertionError("read element by element")

    monkeypatch.setattr(_parsed, "_read_signed_info", must_not_be_needed)
    fast = [_outcome(s, p, canonical) for s, p in _signatures(root)]
    assert fast == slow and len(fast) >= 4
    (first, placed), *_ = _signatures(root)
    signed_info = X.signed_info_of(first)
    assert parse_signature(first, placed, canonical).signed_info == (
        X.canonicalize(signed_info)
    )


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_a_signed_info_outside_the_exact_writing_reads_element_by_element(signed, case):
    text = signed.decode()
    at = text.index("<SignedInfo>")
    end = text.index("</SignedInfo>", at)
    for old, new in MUTATIONS[case]:
        at = text.index(old, at)
        assert at < end, old
        text = text[:at] + new + text[at + len(old) :]
        end += len(new) - len(old)
    root = _tree(text.encode())
    element, placed = _signatures(root)[0]
    canonical_reading = _parsed._read_canonical_signed_info(
        X.CanonicalTree(root).canonical(X.signed_info_of(element))
    )
    if case != "a comment in a digest":  # canonical text cannot see the comment
        assert canonical_reading is None
    assert _outcome(element, placed, X.CanonicalTree(root)) == _outcome(
        element, placed, None
    )
