"""The one interface every signer offers: a certificate chain and hash-and-sign.

Backends live side by side with the same shape: keyfile.KeyFileSigner (demo, tests),
pkcs11.Pkcs11Signer (USB tokens; SoftHSM2 in tests), remote.CscSigner (a remote signing
service, CSC API v2: one PIN/OTP confirmation per batch) and
deferred.DeferredSigningSession (the server hands the digest out and takes the signature
back later).
"""

from __future__ import annotations

from typing import Protocol

from cryptography import x509

from hocbaso.signing.algorithms import SignatureAlgorithm


class Signer(Protocol):
    """Anything that turns a SHA-256 digest into an XMLDSig SignatureValue."""

    @property
    def certificate_chain(self) -> tuple[x509.Certificate, ...]:
        """The signer's certificate first, then its intermediates, root excluded."""
        ...

    @property
    def algorithm(self) -> SignatureAlgorithm:
        """The signature method, fixed by the key."""
        ...

    def sign_digest(self, digest: bytes) -> bytes:
        """Sign a SHA-256 digest; RSA: PKCS#1 v1.5 bytes, ECDSA: raw r || s."""
        ...
