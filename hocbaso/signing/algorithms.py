"""Algorithm URIs of the profile and the conversions between signature encodings.

XMLDSig (https://www.w3.org/TR/xmldsig-core1/) with the algorithms of RFC 6931:
RSA-SHA256 is PKCS#1 v1.5 (RFC 8017 §8.2); ECDSA-SHA256's SignatureValue is the raw
concatenation r || s, each padded to the curve's size (RFC 4050 §3.3, RFC 6931 §2.3.6),
while X.509 tooling and cryptography produce a DER SEQUENCE { r, s }.
"""

from __future__ import annotations

import enum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from hocbaso.signing.errors import SignerMismatchError

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
P256_BYTES = 32
# DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1), for raw CKM_RSA_PKCS.
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


class SignatureAlgorithm(enum.StrEnum):
    """The signature methods this profile signs with and reads (domain.md §6.2)."""

    RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"


PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


def algorithm_for_key(key: object) -> SignatureAlgorithm:
    """The signature method for a public key: RSA or ECDSA on P-256 only."""
    if isinstance(key, rsa.RSAPublicKey):
        return SignatureAlgorithm.RSA_SHA256
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(
        key.curve, ec.SECP256R1
    ):
        return SignatureAlgorithm.ECDSA_SHA256
    raise SignerMismatchError("only RSA and ECDSA P-256 keys are supported")


def ecdsa_der_to_raw(der: bytes) -> bytes:
    """DER SEQUENCE { r, s } → r || s, 32 bytes each (RFC 4050 §3.3)."""
    r, s = utils.decode_dss_signature(der)
    return r.to_bytes(P256_BYTES, "big") + s.to_bytes(P256_BYTES, "big")


def ecdsa_raw_to_der(raw: bytes) -> bytes:
    """r || s → DER SEQUENCE { r, s }, as cryptography's verify() expects."""
    if len(raw) != 2 * P256_BYTES:
        raise SignerMismatchError(
            f"an ECDSA P-256 signature value has 64 bytes, not {len(raw)}"
        )
    r = int.from_bytes(raw[:P256_BYTES], "big")
    s = int.from_bytes(raw[P256_BYTES:], "big")
    return utils.encode_dss_signature(r, s)


def normalise_signature_value(algorithm: SignatureAlgorithm, value: bytes) -> bytes:
    """Accept an ECDSA value as raw r || s or DER; return the XMLDSig form (raw)."""
    if algorithm is SignatureAlgorithm.ECDSA_SHA256 and len(value) != 2 * P256_BYTES:
        try:
            return ecdsa_der_to_raw(value)
        except ValueError as exc:
            raise SignerMismatchError(
                "the ECDSA signature is neither r||s nor DER"
            ) from exc
    return value


# Immutable parameters, made once rather than per signature checked.
_PKCS1 = padding.PKCS1v15()
_SHA256 = hashes.SHA256()
_ECDSA_SHA256 = ec.ECDSA(_SHA256)


def is_valid_signature(
    key: PublicKey, algorithm: SignatureAlgorithm, data: bytes, value: bytes
) -> bool:
    """Whether value (XMLDSig encoding) is algorithm's signature of data by key."""
    try:
        if algorithm is SignatureAlgorithm.RSA_SHA256 and isinstance(
            key, rsa.RSAPublicKey
        ):
            key.verify(value, data, _PKCS1, _SHA256)
            return True
        if algorithm is SignatureAlgorithm.ECDSA_SHA256 and isinstance(
            key, ec.EllipticCurvePublicKey
        ):
            key.verify(ecdsa_raw_to_der(value), data, _ECDSA_SHA256)
            return True
    except (InvalidSignature, SignerMismatchError):
        return False
    return False
