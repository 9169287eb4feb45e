"""Reading a Signature written exactly as this profile writes it from the packet's
canonical text, in a few passes over its bytes instead of element by element.

What matches reads exactly as the element-by-element reading of ``_parsed`` reads
it; anything else returns None and is read element by element, which refuses or
accepts it with its reason (signing/tests/test_signed_info_read.py and
test_signature_read.py hold the two readings equal).
"""

from __future__ import annotations

import binascii
import re
from datetime import datetime
from typing import NamedTuple

from lxml import etree

from hocbaso.signing import xmldsig as X
from hocbaso.signing.algorithms import C14N_10, DS_NS, SHA256, SignatureAlgorithm


class Reference(NamedTuple):
    """One Reference: the Id it points to and the digest it claims (a tuple: a
    lower-secondary packet has about ninety)."""

    target: str
    digest: bytes


class SignatureText(NamedTuple):
    """A Signature's values as read from its canonical text (certificates as DER)."""

    signed_info: bytes  # the canonical SignedInfo, what the value signs
    algorithm: SignatureAlgorithm
    references: tuple[Reference, ...]
    value: bytes
    certificate_der: tuple[bytes, ...]
    subject_name: str
    signing_time: datetime


# A SignedInfo as this profile writes it, in canonical form (XML-C14N 1.0 §2: no
# comment, attributes in a fixed order, an empty element as a start and an end tag,
# every literal "<" markup): the XMLDSig namespace as the default, nothing else on
# its elements, only whitespace-free text, an Id without any character an
# attribute value escapes. Anything else (another attribute, a transform's
# parameter, whitespace, a prefix, an escaped character…) is read element by
# element.
# One Reference: the Id, then the digest; its length is theirs plus _REFERENCE_MARKUP.
_REFERENCE_PARTS = (
    b'<Reference URI="#',
    b'"><Transforms><Transform Algorithm="'
    + C14N_10.encode()
    + b'"></Transform></Transforms><DigestMethod Algorithm="'
    + SHA256.encode()
    + b'"></DigestMethod><DigestValue>',
    b"</DigestValue></Reference>",
)
_REFERENCE = re.compile(
    re.escape(_REFERENCE_PARTS[0])
    + rb"([A-Za-z0-9_.:-]+)"
    + re.escape(_REFERENCE_PARTS[1])
    + rb"([A-Za-z0-9+/]+={0,2})"
    + re.escape(_REFERENCE_PARTS[2])
)
_REFERENCE_MARKUP = sum(map(len, _REFERENCE_PARTS))
_SIGNED_INFO_HEAD = re.compile(
    rb'<SignedInfo xmlns="'
    + re.escape(DS_NS.encode())
    + rb'"(?: xmlns:[A-Za-z_][A-Za-z0-9_.-]*="[^"]*")*>'
    rb'<CanonicalizationMethod Algorithm="'
    + re.escape(C14N_10.encode())
    + rb'"></CanonicalizationMethod><SignatureMethod Algorithm="([^"&]*)">'
    rb"</SignatureMethod>"
)
_SIGNED_INFO_END = b"</SignedInfo>"


def has_hidden_nodes(element: etree._Element) -> bool:
    """A comment or processing instruction anywhere below element."""
    hidden = element.iter(etree.Comment, etree.ProcessingInstruction)
    return next(hidden, None) is not None


_ALGORITHMS = {a.value.encode(): a for a in SignatureAlgorithm}


def read_signed_info(
    data: bytes,
) -> tuple[SignatureAlgorithm, tuple[Reference, ...]] | None:
    """The method and references of a canonical SignedInfo; None if it is not
    written as this profile writes it (then it is read element by element).

    The references are found in one pass (in C); written so, they follow one
    another with nothing between, so their lengths add up to the whole."""
    head = _SIGNED_INFO_HEAD.match(data)
    if (
        head is None
        or not data.endswith(_SIGNED_INFO_END)
        or head.group(1) not in _ALGORITHMS
    ):
        return None
    body = data[head.end() : -len(_SIGNED_INFO_END)]
    found = _REFERENCE.findall(body)
    # Matches do not overlap and lie inside body: if their lengths add up to
    # its length, they are all of it.
    if _REFERENCE_MARKUP * len(found) + sum(
        len(target) + len(value) for target, value in found
    ) != len(body):
        return None
    try:
        references = tuple(
            Reference(
                target.decode("ascii"), binascii.a2b_base64(value, strict_mode=True)
            )
            for target, value in found
        )
    except binascii.Error:  # bad padding: the slow path names the element
        return None
    return _ALGORITHMS[head.group(1)], references


# A Signature as this profile writes it, in canonical form, after its SignedInfo:
# SignatureValue, KeyInfo with the subject's name and the chain, the signing
# time's Object, nothing else (no timestamp: a timestamped signature is read
# element by element). Every element unprefixed with no declaration of its own,
# so in the XMLDSig namespace the Signature declares as its default; values
# without "&", so each reads as lxml's text does (canonical text escapes "&",
# "<", ">" and CR, and nothing else).
_SIGNED_INFO_START = b"<SignedInfo>"
_SIGNATURE_TAIL = re.compile(
    rb"<SignatureValue>([^<]*)</SignatureValue>"
    rb"<KeyInfo><X509Data><X509SubjectName>([^<&]*)</X509SubjectName>"
    rb"((?:<X509Certificate>[^<]*</X509Certificate>)+)"
    rb'</X509Data></KeyInfo><Object Id="([^"&]*)'
    + re.escape(X.SIGNING_TIME_SUFFIX.encode())
    + rb'"><SignatureProperties><SignatureProperty Target="#([^"&]*)">'
    rb"<SigningTime>([^<&]*)</SigningTime></SignatureProperty>"
    rb"</SignatureProperties></Object></Signature>"
)
_CERTIFICATE_TEXT = re.compile(rb"<X509Certificate>([^<]*)</X509Certificate>")
_SIGNATURE = X.ds("Signature")
_SIGNED_INFO = X.ds("SignedInfo")


def read_signature(
    element: etree._Element, signature_id: str, canonical: X.CanonicalTree
) -> SignatureText | None:
    """The Signature's values from its cut of the packet's canonical text; None
    if it is not written exactly as this profile writes it."""
    cut = canonical.cut(element)
    if cut is None or cut[0] != b"Signature" or element.tag != _SIGNATURE:
        return None
    rest, own = cut[2], signature_id.encode()
    # The SignedInfo ends at its first end tag: what a nested one would leave
    # before it is not a reference as read_signed_info reads one.
    close = rest.find(_SIGNED_INFO_END) if rest.startswith(_SIGNED_INFO_START) else -1
    found = _SIGNATURE_TAIL.fullmatch(rest, close + len(_SIGNED_INFO_END))
    # A comment is not in canonical text: where there is one, only the element
    # reading sees the values as lxml splits them (parsing refuses comments).
    if (
        close < 0
        or found is None
        or found[4] != own
        or found[5] != own
        or has_hidden_nodes(element)
        or element[0].tag != _SIGNED_INFO
    ):
        return None
    signed_info = (
        b"<SignedInfo"
        + X.apex_namespaces(element[0])
        + rest[len(_SIGNED_INFO_START) - 1 : close + len(_SIGNED_INFO_END)]
    )
    read = read_signed_info(signed_info)
    ders = _chain_der(found[3])
    value, moment = _strict_base64(found[1]), _moment(found[6])
    if read is None or value is None or moment is None or ders is None:
        return None
    return SignatureText(signed_info, *read, value, ders, found[2].decode(), moment)


# The same few chains sign thousands of packets: the certificates' text of each
# is decoded once per process, and the same DER objects come back (their hash
# kept, so the certificate and chain caches keyed by them find them at once).
# Bounded by the bytes kept, text and DER, not by a count: the text is anything
# that decodes (whether it is a certificate is known only later), and a packet
# may carry two megabytes of it. A chain of the profile is 2 to 3 KB of text;
# one far longer is decoded and not kept.
_CHAIN_DER: dict[bytes, tuple[bytes, ...]] = {}
_MAX_CHAIN_TEXT = 16 * 1024
_MAX_CACHED_BYTES = 32 * 1024 * 1024
# What an entry costs beyond its bytes (the key's object, the tuple, the
# table's slot; each DER's object is paid by its tags in the text): a flood of
# one-certificate chains a few bytes long kept twice the bound without it.
_ENTRY_OVERHEAD = 256
_cached_bytes = 0


def _chain_der(text: bytes) -> tuple[bytes, ...] | None:
    """The DER of each X509Certificate in text; None if one is not base64."""
    global _cached_bytes
    found = _CHAIN_DER.get(text)
    if found is None:
        ders = [_strict_base64(v) for v in _CERTIFICATE_TEXT.findall(text)]
        if None in ders:
            return None
        found = tuple(ders)  # type: ignore[arg-type]
        if len(text) <= _MAX_CHAIN_TEXT:
            # the DER is three quarters of the text
            size = 2 * len(text) + _ENTRY_OVERHEAD
            if _cached_bytes + size > _MAX_CACHED_BYTES:
                _CHAIN_DER.clear()
                _cached_bytes = 0
            _CHAIN_DER[text] = found
            _cached_bytes += size
    return found


def _strict_base64(text: bytes) -> bytes | None:
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except binascii.Error:
        return None


def _moment(text: bytes) -> datetime | None:
    """A SigningTime as the element reading accepts it; None for what it refuses."""
    try:
        moment = datetime.fromisoformat(text.decode())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
