"""A signer on a PKCS#11 token: the USB tokens Vietnamese CAs issue (SoftHSM2 in tests).

Hash on the host, sign on the token (PKCS#11 v2.40 §2.1.6, §2.3.6):
- RSA: CKM_RSA_PKCS over DigestInfo(SHA-256, digest), which is exactly what
  CKM_SHA256_RSA_PKCS computes inside the token (RFC 8017 §9.2);
- EC P-256: CKM_ECDSA over the digest; tokens return r || s, which is already the
  XMLDSig form (RFC 4050), so nothing to convert. SoftHSM2 has no CKM_ECDSA_SHA256.
The session and login are opened once at construction; close() ends them.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

import pkcs11
from cryptography import x509
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass

from hocbaso.signing.algorithms import (
    SHA256_DIGEST_INFO,
    SignatureAlgorithm,
    algorithm_for_key,
)
from hocbaso.signing.errors import SignerMismatchError, SignerUnavailableError


class Pkcs11Signer:
    """Sign with a private key that never leaves its token."""

    def __init__(
        self,
        module_path: str,
        *,
        token_label: str,
        pin: str,
        key_label: str,
        certificate_chain: Sequence[x509.Certificate] | None = None,
    ) -> None:
        try:
            token = pkcs11.lib(module_path).get_token(token_label=token_label)
            self._session = token.open(user_pin=pin)
            self._key: Any = self._session.get_key(
                object_class=ObjectClass.PRIVATE_KEY, label=key_label
            )
            chain = tuple(certificate_chain or self._certificates_on_token(key_label))
        except (pkcs11.PKCS11Error, RuntimeError, OSError) as exc:
            raise SignerUnavailableError(
                f"cannot use the token key {key_label!r}: {exc!r}"
            ) from exc
        if not chain:
            raise SignerUnavailableError(f"no certificate for the key {key_label!r}")
        self._chain = chain
        self._algorithm = algorithm_for_key(chain[0].public_key())
        expected = (
            KeyType.RSA
            if self._algorithm is SignatureAlgorithm.RSA_SHA256
            else KeyType.EC
        )
        if self._key.key_type != expected:
            raise SignerMismatchError(
                "the certificate's key type differs from the token key's"
            )

    def _certificates_on_token(self, label: str) -> list[x509.Certificate]:
        objects = self._session.get_objects(
            {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: label}
        )
        return [
            x509.load_der_x509_certificate(bytes(obj[Attribute.VALUE]))
            for obj in objects
        ]

    @property
    def certificate_chain(self) -> tuple[x509.Certificate, ...]:
        """The signer's certificate, then its intermediates."""
        return self._chain

    @property
    def algorithm(self) -> SignatureAlgorithm:
        """RSA-SHA256 or ECDSA-SHA256, from the certificate's key."""
        return self._algorithm

    def sign_digest(self, digest: bytes) -> bytes:
        """Sign a SHA-256 digest on the token; SignerUnavailableError if it refuses."""
        try:
            if self._algorithm is SignatureAlgorithm.RSA_SHA256:
                return bytes(
                    self._key.sign(
                        SHA256_DIGEST_INFO + digest, mechanism=Mechanism.RSA_PKCS
                    )
                )
            return bytes(self._key.sign(digest, mechanism=Mechanism.ECDSA))
        except pkcs11.PKCS11Error as exc:
            raise SignerUnavailableError(f"the token refused to sign: {exc!r}") from exc

    def sign(self, data: bytes) -> bytes:
        """Sign data with the token hashing it (RSA: CKM_SHA256_RSA_PKCS)."""
        if self._algorithm is not SignatureAlgorithm.RSA_SHA256:
            import hashlib

            return self.sign_digest(hashlib.sha256(data).digest())
        try:
            return bytes(self._key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))
        except pkcs11.PKCS11Error as exc:
            raise SignerUnavailableError(f"the token refused to sign: {exc!r}") from exc

    def close(self) -> None:
        """Log out and close the session."""
        self._session.close()

    def __enter__(self) -> Pkcs11Signer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
