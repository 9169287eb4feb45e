"""The exceptions of the signing core: one base class, one subclass per failure."""

from __future__ import annotations


class SigningError(Exception):
    """Base class: a signature could not be made or a verification cannot go on."""


class SignatureOrderError(SigningError):
    """Signing now would break the order subject teachers → homeroom → leader → seal."""


class SlotNotFoundError(SigningError):
    """The packet has no signer slot for that role and person."""


class SignerMismatchError(SigningError):
    """The signature value or certificate does not match what was prepared."""


class SignerUnavailableError(SigningError):
    """The key file or token cannot be used (wrong PIN, missing key, bad file)."""


class TimestampError(SigningError):
    """The timestamp authority failed or answered something unusable (RFC 3161)."""


class TrustStoreError(SigningError):
    """The trust store directory cannot be read."""


class VerificationFailedError(SigningError):
    """raise_for_status(): the packet is not valid; the message lists the reasons."""
