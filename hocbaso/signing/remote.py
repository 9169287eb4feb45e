"""A signer whose key is at a remote signing service (CSC API v2, see csc.py).

The teacher confirms once per batch: every digest of the class is authorised in one
``credentials/authorize`` (numSignatures = N, the N hashes listed, one PIN/OTP) and
signed in one ``signatures/signHash``. Each value that comes back is checked against
the credential's certificate before anyone uses it: a service that answers with
another key's signature, a truncated value or values in the wrong order is refused
(SIGNATURE_MISMATCH), and the whole batch with it.

    signer = CscSigner(client, credential_id)       # credentials/info: the chain
    values = signer.sign_digests(digests, otp="123456")
    session.complete(values[0], signer.certificate_chain)

``sign_digest`` then answers for digests already signed, so a CscSigner can stand
where a Signer is expected once the batch is signed (the deferred flow of
deferred.py, domain.md §8). ECDSA values arrive DER-encoded (as CMS wants) and are
returned as r || s, the XMLDSig form (RFC 4050 §3.3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from hocbaso.signing.algorithms import (
    SignatureAlgorithm,
    ecdsa_raw_to_der,
    normalise_signature_value,
)
from hocbaso.signing.csc import (
    CredentialInfo,
    CscClient,
    RemoteErrorCode,
    RemoteSigningError,
)
from hocbaso.signing.errors import SignerMismatchError

DIGEST_BYTES = 32


@dataclass(frozen=True)
class RemoteSignatures:
    """A signed batch: the credential's chain and one value per digest, in order."""

    certificate_chain: tuple[x509.Certificate, ...]
    algorithm: SignatureAlgorithm
    values: tuple[bytes, ...]


class CscSigner:
    """Sign SHA-256 digests with a credential of a CSC v2 service."""

    def __init__(self, client: CscClient, credential_id: str) -> None:
        self._client = client
        self._info: CredentialInfo = client.credential_info(credential_id)
        self._signed: dict[bytes, bytes] = {}

    @property
    def certificate_chain(self) -> tuple[x509.Certificate, ...]:
        """The credential's certificate, then its intermediates, as the service gave."""
        return self._info.chain

    @property
    def algorithm(self) -> SignatureAlgorithm:
        """RSA-SHA256 or ECDSA-SHA256, from the certificate's key."""
        return self._info.algorithm

    @property
    def info(self) -> CredentialInfo:
        """What the service said of the credential (PIN or OTP required, multisign)."""
        return self._info

    def sign_digests(
        self, digests: Sequence[bytes], *, otp: str | None, pin: str | None = None
    ) -> list[bytes]:
        """One authorization and one signHash for all digests; the checked values.

        Raises RemoteSigningError: WRONG_OTP, WRONG_PIN, AUTHORIZATION_EXPIRED,
        SERVICE_UNAVAILABLE…, TOO_MANY_HASHES beyond the credential's multisign,
        SIGNATURE_MISMATCH when a value does not verify with the certificate.
        Nothing is kept from a failed call: retrying with a new OTP starts afresh.
        """
        unique = list(dict.fromkeys(_checked_digests(digests)))
        if len(unique) > self._info.multisign:
            raise RemoteSigningError(
                RemoteErrorCode.TOO_MANY_HASHES,
                count=len(unique),
                limit=self._info.multisign,
            )
        authorization = self._client.authorize(
            self._info.credential_id, unique, otp=otp, pin=pin
        )
        answered = self._client.sign_hashes(authorization, self._info.algorithm)
        values = {
            digest: self._checked_value(n, digest, value)
            for n, (digest, value) in enumerate(zip(unique, answered, strict=True), 1)
        }
        self._signed.update(values)
        return [values[d] for d in digests]

    def sign_digest(self, digest: bytes) -> bytes:
        """The value sign_digests made for this digest; refused for any other."""
        try:
            return self._signed[digest]
        except KeyError:
            raise RemoteSigningError(RemoteErrorCode.AUTHORIZATION_EXPIRED) from None

    def _checked_value(self, position: int, digest: bytes, value: bytes) -> bytes:
        try:
            raw = normalise_signature_value(self._info.algorithm, value)
        except SignerMismatchError:
            raw = b""
        if not verifies_digest(self._info.chain[0], self._info.algorithm, digest, raw):
            raise RemoteSigningError(
                RemoteErrorCode.SIGNATURE_MISMATCH,
                position=position,
                credential=self._info.credential_id,
            )
        return raw


def sign_batch_remote(
    client: CscClient,
    credential_id: str,
    digests: Sequence[bytes],
    *,
    otp: str | None,
    pin: str | None = None,
) -> RemoteSignatures:
    """Sign a batch's digests with a remote credential, confirmed once.

    The values are checked against the credential's certificate; whether that
    certificate may sign (registered to the person, trusted) is the caller's check.
    """
    signer = CscSigner(client, credential_id)
    values = signer.sign_digests(digests, otp=otp, pin=pin)
    return RemoteSignatures(signer.certificate_chain, signer.algorithm, tuple(values))


def verifies_digest(
    certificate: x509.Certificate,
    algorithm: SignatureAlgorithm,
    digest: bytes,
    value: bytes,
) -> bool:
    """Whether value (XMLDSig encoding) signs the SHA-256 digest with the
    certificate's key."""
    key = certificate.public_key()
    prehashed = utils.Prehashed(hashes.SHA256())
    try:
        if algorithm is SignatureAlgorithm.RSA_SHA256 and isinstance(
            key, rsa.RSAPublicKey
        ):
            key.verify(value, digest, padding.PKCS1v15(), prehashed)
            return True
        if algorithm is SignatureAlgorithm.ECDSA_SHA256 and isinstance(
            key, ec.EllipticCurvePublicKey
        ):
            key.verify(ecdsa_raw_to_der(value), digest, ec.ECDSA(prehashed))
            return True
    except (InvalidSignature, SignerMismatchError):
        return False
    return False


def _checked_digests(digests: Sequence[bytes]) -> list[bytes]:
    if not digests:
        raise RemoteSigningError(RemoteErrorCode.BAD_DIGEST, position=0)
    for n, digest in enumerate(digests, 1):
        if not isinstance(digest, bytes) or len(digest) != DIGEST_BYTES:
            raise RemoteSigningError(RemoteErrorCode.BAD_DIGEST, position=n)
    return list(digests)
