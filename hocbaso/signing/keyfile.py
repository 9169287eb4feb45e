"""A signer whose private key is a PKCS#12 or PEM file, loaded once at construction."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import pkcs12

from hocbaso.signing.algorithms import (
    SignatureAlgorithm,
    algorithm_for_key,
    ecdsa_der_to_raw,
)
from hocbaso.signing.errors import SignerMismatchError, SignerUnavailableError

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class KeyFileSigner:
    """Sign with a key held in memory: the demo and the tests, never a real teacher."""

    def __init__(self, key: PrivateKey, chain: Sequence[x509.Certificate]) -> None:
        if not chain:
            raise SignerUnavailableError("a signer needs its certificate")
        if chain[0].public_key() != key.public_key():
            raise SignerMismatchError(
                "the certificate does not belong to the private key"
            )
        self._key = key
        self._chain = tuple(chain)
        self._algorithm = algorithm_for_key(key.public_key())

    @classmethod
    def from_pkcs12(cls, data: bytes, password: bytes | None) -> KeyFileSigner:
        """Load a .p12/.pfx file: key, certificate, and the CA certificates it holds."""
        try:
            bundle = pkcs12.load_pkcs12(data, password)
        except ValueError as exc:
            raise SignerUnavailableError(
                f"cannot open the PKCS#12 file: {exc}"
            ) from exc
        if bundle.key is None or bundle.cert is None:
            raise SignerUnavailableError("the PKCS#12 file lacks a key or certificate")
        extra = [c.certificate for c in bundle.additional_certs]
        return cls(_supported(bundle.key), [bundle.cert.certificate, *extra])

    @classmethod
    def from_pem(
        cls, key_pem: bytes, chain_pem: bytes, password: bytes | None = None
    ) -> KeyFileSigner:
        """Load a PEM private key and a PEM file of certificates, the signer's first."""
        try:
            key = serialization.load_pem_private_key(key_pem, password)
            chain = x509.load_pem_x509_certificates(chain_pem)
        except (ValueError, TypeError) as exc:
            raise SignerUnavailableError(
                f"cannot read the PEM key or certificates: {exc}"
            ) from exc
        return cls(_supported(key), chain)

    @property
    def certificate_chain(self) -> tuple[x509.Certificate, ...]:
        """The signer's certificate, then its intermediates."""
        return self._chain

    @property
    def algorithm(self) -> SignatureAlgorithm:
        """RSA-SHA256 or ECDSA-SHA256, from the key."""
        return self._algorithm

    def sign_digest(self, digest: bytes) -> bytes:
        """Sign a SHA-256 digest; ECDSA is converted from DER to r || s (RFC 4050)."""
        prehashed = utils.Prehashed(hashes.SHA256())
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(digest, padding.PKCS1v15(), prehashed)
        return ecdsa_der_to_raw(self._key.sign(digest, ec.ECDSA(prehashed)))


def _supported(key: object) -> PrivateKey:
    if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        return key
    raise SignerUnavailableError("only RSA and ECDSA P-256 keys are supported")
