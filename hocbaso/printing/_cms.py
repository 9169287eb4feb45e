"""The CMS SignedData of a PAdES B-B signature, in DER, from parts encoded once.

A seal signs many copies: its certificates, signer identifier, algorithms and
signing-certificate-v2 attribute never change, so they are encoded once per seal
(asn1crypto) and each signature only adds the message digest and the signature
value. Structure (RFC 5652 §5.1, §5.3; ETSI EN 319 142-1 §5.2.2: content type,
message digest and signing-certificate-v2 signed, no signing-time attribute since
the signature dictionary's /M carries the time):

    ContentInfo { signedData, [0] SignedData { 1, {sha256}, {data},
        [0] certificates, { SignerInfo { 1, issuerAndSerial, sha256,
        [0] signedAttrs, signatureAlgorithm, signature } } } }
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509

_SHA256 = algos.DigestAlgorithm({"algorithm": "sha256"}).dump()
_SIGNED_DATA = cms.ContentType("signed_data").dump()
_DATA = cms.ContentType("data").dump()
_MESSAGE_DIGEST = cms.CMSAttributeType("message_digest").dump()


def _tlv(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length, content (X.690 §8.1.3)."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(octets))) + octets + content


def _sequence(*parts: bytes) -> bytes:
    return _tlv(0x30, b"".join(parts))


@dataclass(frozen=True)
class SealParts:
    """What every signature of one seal shares, DER-encoded."""

    certificates: bytes  # the [0] IMPLICIT SET OF Certificate
    signer_head: bytes  # version, sid, digestAlgorithm of the SignerInfo
    signature_algorithm: bytes
    fixed_attributes: tuple[bytes, ...]  # content type, signing-certificate-v2
    signature_size: int  # the longest signature value the key makes, in bytes

    @property
    def size(self) -> int:
        """The length of this seal's longest SignedData: the PDF reserves exactly
        that, so no unsigned padding follows the CMS in /Contents (an RSA value
        always has this length; an ECDSA one in DER may be a few bytes short)."""
        return len(signed_data(self, bytes(32), lambda _: bytes(self.signature_size)))

    @classmethod
    def of(
        cls, chain: list[asn1_x509.Certificate], ecdsa: bool, signature_size: int
    ) -> SealParts:
        """The parts of a seal whose certificate is chain[0]."""
        leaf = chain[0]
        sid = cms.SignerIdentifier(
            name="issuer_and_serial_number",
            value=cms.IssuerAndSerialNumber(
                {"issuer": leaf.issuer, "serial_number": leaf.serial_number}
            ),
        )
        ess = tsp.SigningCertificateV2(
            {
                "certs": [
                    {
                        "cert_hash": hashlib.sha256(leaf.dump()).digest(),
                        "issuer_serial": {
                            "issuer": [
                                asn1_x509.GeneralName(
                                    name="directory_name", value=leaf.issuer
                                )
                            ],
                            "serial_number": leaf.serial_number,
                        },
                    }
                ]
            }
        )
        algorithm = "sha256_ecdsa" if ecdsa else "sha256_rsa"
        return cls(
            certificates=_tlv(0xA0, b"".join(c.dump() for c in chain)),
            signer_head=core.Integer(1).dump() + sid.dump() + _SHA256,
            signature_algorithm=algos.SignedDigestAlgorithm(
                {"algorithm": algorithm}
            ).dump(),
            fixed_attributes=(
                _attribute("content_type", cms.ContentType("data")),
                _attribute("signing_certificate_v2", ess),
            ),
            signature_size=signature_size,
        )


def _attribute(kind: str, value: core.Asn1Value) -> bytes:
    return bytes(cms.CMSAttribute({"type": kind, "values": [value]}).dump())


def signed_data(
    parts: SealParts, digest: bytes, sign: Callable[[bytes], bytes]
) -> bytes:
    """The ContentInfo of a detached signature over a document with this SHA-256
    digest; sign receives the DER of the signed attributes (a SET) and returns
    the signature value."""
    digest_attr = _sequence(
        _MESSAGE_DIGEST, _tlv(0x31, core.OctetString(digest).dump())
    )
    # DER sorts a SET OF by the encodings of its elements (X.690 §11.6).
    attributes = b"".join(sorted((*parts.fixed_attributes, digest_attr)))
    signature = sign(_tlv(0x31, attributes))
    signer_info = _sequence(
        parts.signer_head,
        _tlv(0xA0, attributes),
        parts.signature_algorithm,
        core.OctetString(signature).dump(),
    )
    content = _sequence(
        core.Integer(1).dump(),
        _tlv(0x31, _SHA256),
        _sequence(_DATA),
        parts.certificates,
        _tlv(0x31, signer_info),
    )
    return _sequence(_SIGNED_DATA, _tlv(0xA0, content))
