"""Reading one Signature element into plain values, refusing what the profile excludes.

Only same-document references ("#Id"), inclusive C14N 1.0 as the canonicalisation and
the only transform, SHA-256 digests, RSA-SHA256 or ECDSA-SHA256 (domain.md §6.2).
Anything else is refused rather than processed: no XPath, no XSLT, no external URI,
so verification never fetches anything (XMLDSig "Security considerations" §8).
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import NoReturn

from cryptography import x509
from lxml import etree

from hocbaso.signing import xmldsig as X
from hocbaso.signing._canonical_read import Reference, read_signature
from hocbaso.signing._canonical_read import has_hidden_nodes as _has_hidden_nodes
from hocbaso.signing._canonical_read import (
    read_signed_info as _read_canonical_signed_info,
)
from hocbaso.signing.algorithms import C14N_10, SHA256, SignatureAlgorithm
from hocbaso.signing.roles import PlacedSlot
from hocbaso.signing.timestamp import find_signature_timestamp

_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


class MalformedSignatureError(Exception):
    """The Signature element is outside the profile; the message says where."""


@dataclass(frozen=True)
class ParsedSignature:
    """A Signature element read into values; certificates parsed once, here."""

    element: etree._Element
    signature_id: str
    placed: PlacedSlot
    algorithm: SignatureAlgorithm
    references: tuple[Reference, ...]
    value: bytes
    certificates: tuple[x509.Certificate, ...]
    subject_name: str | None
    signing_time: datetime
    timestamp: bytes | None
    # The canonical SignedInfo (what the value signs) when it was read from it.
    signed_info: bytes | None = None
    # The certificates' DER, as read: the key of what a trust store keeps of the
    # chain (bytes hash once and compare exactly; a certificate object hashes its
    # encoding again at every lookup).
    certificate_der: tuple[bytes, ...] = ()

    @cached_property
    def targets(self) -> frozenset[str]:
        """The Ids the signature references (read three times per signature)."""
        return frozenset(r.target for r in self.references)


def parse_signature(
    element: etree._Element,
    placed: PlacedSlot,
    canonical: X.CanonicalTree | None = None,
) -> ParsedSignature:
    """Read a Signature; MalformedSignatureError when it leaves the profile.

    canonical, the packet's CanonicalTree, lets a Signature written exactly as
    this profile writes it be read from its cut of the canonical text (the
    SignedInfo's bytes, what the value covers, kept for its check), or failing
    that its SignedInfo alone; anything else is read element by element, with
    the same verdict and a precise reason."""
    signature_id = element.get(X.ID_ATTR) or _fail(element, "Signature has no Id")
    if canonical is not None:
        whole = _read_canonical_signature(element, signature_id, placed, canonical)
        if whole is not None:
            return whole
    signed_info = _one(element, "SignedInfo")
    signed_bytes = None if canonical is None else canonical.canonical(signed_info)
    # Canonical text leaves comments out: with one inside, only the element-by-
    # element reading sees the text as lxml splits it (a packet cannot hold one:
    # parsing refuses it; this reading must not depend on that).
    read = (
        _read_canonical_signed_info(signed_bytes)
        if signed_bytes and not _has_hidden_nodes(signed_info)
        else None
    )
    algorithm, references = read or _read_signed_info(signed_info)
    certificates, der = _certificates(element)
    return ParsedSignature(
        element=element,
        signature_id=signature_id,
        placed=placed,
        algorithm=algorithm,
        references=references,
        value=_base64(_one(element, "SignatureValue")),
        certificates=certificates,
        subject_name=element.findtext(_X509_SUBJECT_NAME),
        signing_time=_signing_time(element, signature_id),
        timestamp=find_signature_timestamp(element),
        signed_info=signed_bytes,
        certificate_der=der,
    )


def _read_canonical_signature(
    element: etree._Element,
    signature_id: str,
    placed: PlacedSlot,
    canonical: X.CanonicalTree,
) -> ParsedSignature | None:
    """What parse_signature reads element by element, from the Signature's cut of
    the packet's canonical text; None if it is not written exactly as this
    profile writes it (then it is read element by element, which gives the
    verdict and its reason)."""
    read = read_signature(element, signature_id, canonical)
    if read is None:
        return None
    certificates = tuple(map(_certificate, read.certificate_der))
    if None in certificates:
        return None
    return ParsedSignature(
        element=element,
        signature_id=signature_id,
        placed=placed,
        algorithm=read.algorithm,
        references=read.references,
        value=read.value,
        certificates=certificates,  # type: ignore[arg-type]
        subject_name=read.subject_name,
        signing_time=read.signing_time,
        timestamp=None,
        signed_info=read.signed_info,
        certificate_der=read.certificate_der,
    )


def _read_signed_info(
    signed_info: etree._Element,
) -> tuple[SignatureAlgorithm, tuple[Reference, ...]]:
    """The signature method and references, element by element."""
    if _one(signed_info, "CanonicalizationMethod").get("Algorithm") != C14N_10:
        _fail(signed_info, "only inclusive C14N 1.0 is accepted")
    method = _one(signed_info, "SignatureMethod").get("Algorithm")
    try:
        algorithm = SignatureAlgorithm(str(method))
    except ValueError:
        _fail(signed_info, f"signature method {method} is not accepted")
    references = tuple(_reference(r) for r in signed_info.iterfind(X.ds("Reference")))
    return algorithm, references


def _fail(element: etree._Element, message: str) -> NoReturn:
    raise MalformedSignatureError(f"line {element.sourceline}: {message}")


def _one(parent: etree._Element, name: str) -> etree._Element:
    found = list(parent.iterchildren(X.ds(name)))
    if len(found) != 1:
        _fail(parent, f"expected one {name}, found {len(found)}")
    return found[0]


def _base64(element: etree._Element) -> bytes:
    text = element.text or ""
    try:
        try:  # one line of base64, as signers write it
            return binascii.a2b_base64(text, strict_mode=True)
        except binascii.Error:
            if _BASE64.fullmatch(text):
                raise
        # whitespace inside: allowed, then removed (then strict as above; a
        # non-ASCII str is refused with ValueError either way)
        return binascii.a2b_base64("".join(text.split()), strict_mode=True)
    except (binascii.Error, ValueError):
        _fail(element, f"{etree.QName(element).localname} is not base64")


_TRANSFORMS = X.ds("Transforms")
_TRANSFORM = X.ds("Transform")
_DIGEST_METHOD = X.ds("DigestMethod")
_DIGEST_VALUE = X.ds("DigestValue")


def _reference(reference: etree._Element) -> Reference:
    """One pass over the Reference's children (a signature has up to ~20)."""
    uri = reference.get("URI") or ""
    if not uri.startswith("#") or len(uri) < 2:
        _fail(reference, f"reference URI {uri!r} is not a same-document #Id")
    methods: list[etree._Element] = []
    values: list[etree._Element] = []
    for child in reference:
        tag = child.tag
        if tag == _TRANSFORMS:
            _check_transforms(child)
        elif tag == _DIGEST_METHOD:
            methods.append(child)
        elif tag == _DIGEST_VALUE:
            values.append(child)
    if len(methods) != 1:
        _fail(reference, f"expected one DigestMethod, found {len(methods)}")
    if methods[0].get("Algorithm") != SHA256:
        _fail(reference, "only SHA-256 digests are accepted")
    if len(values) != 1:
        _fail(reference, f"expected one DigestValue, found {len(values)}")
    return Reference(uri[1:], _base64(values[0]))


def _check_transforms(transforms: etree._Element) -> None:
    """Only bare inclusive C14N 1.0 transforms: no XPath, XSLT, base64 or enveloped
    transform, no parameter under a transform, nothing else under Transforms (a
    verifier that processed any of them would digest other bytes than are read)."""
    for transform in transforms.iterchildren("*"):
        if transform.tag != _TRANSFORM:
            _fail(transform, f"{transform.tag} is not a transform this profile accepts")
        if transform.get("Algorithm") != C14N_10:
            _fail(transform, f"transform {transform.get('Algorithm')} is not accepted")
        if len(transform) or (transform.text or "").strip():
            _fail(transform, "a transform with parameters is not accepted")


_X509_CERTIFICATES = f"{X.ds('KeyInfo')}/{X.ds('X509Data')}/{X.ds('X509Certificate')}"
_X509_SUBJECT_NAME = f"{X.ds('KeyInfo')}/{X.ds('X509Data')}/{X.ds('X509SubjectName')}"
# The same few certificates sign thousands of packets: each is parsed once per
# process, and the same object comes back for the same bytes (so the caches keyed
# by certificate downstream find it at once). Bounded against a flood of strangers.
_PARSED_CERTIFICATES: dict[bytes, x509.Certificate] = {}
_MAX_CACHED_CERTIFICATES = 20_000


def _certificates(
    signature: etree._Element,
) -> tuple[tuple[x509.Certificate, ...], tuple[bytes, ...]]:
    """The KeyInfo's certificates, parsed, and their DER."""
    certs, ders = [], []
    for element in signature.iterfind(_X509_CERTIFICATES):
        der = _base64(element)
        cert = _certificate(der)
        if cert is None:
            _fail(element, "X509Certificate is not a certificate")
        certs.append(cert)
        ders.append(der)
    if not certs:
        _fail(signature, "KeyInfo/X509Data has no certificate")
    return tuple(certs), tuple(ders)


def _certificate(der: bytes) -> x509.Certificate | None:
    """The certificate these exact bytes encode, parsed once per process; None
    if they encode none."""
    cert = _PARSED_CERTIFICATES.get(der)
    if cert is None:
        try:
            cert = x509.load_der_x509_certificate(der)
        except ValueError:
            return None
        if len(_PARSED_CERTIFICATES) >= _MAX_CACHED_CERTIFICATES:
            _PARSED_CERTIFICATES.clear()
        _PARSED_CERTIFICATES[der] = cert
    return cert


def _signing_time(signature: etree._Element, signature_id: str) -> datetime:
    # Ids are unique in the whole packet (verify_packet checks it first).
    wanted = signature_id + X.SIGNING_TIME_SUFFIX
    obj = next(
        (o for o in signature.iter(X.ds("Object")) if o.get(X.ID_ATTR) == wanted), None
    )
    text = None if obj is None else obj.findtext(f".//{X.ds('SigningTime')}")
    if not text:
        _fail(signature, "no SigningTime")
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        _fail(signature, f"SigningTime {text!r} is not a date and time")
    if moment.tzinfo is None:
        _fail(signature, "SigningTime has no UTC offset")
    return moment
