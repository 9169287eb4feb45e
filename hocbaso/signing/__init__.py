"""Signatures of transcript packets: signers, XML signatures, trust store, verification.

Pure: imports lxml, cryptography, asn1crypto, python-pkcs11 and hocbaso.packet, never
Django. The profile is domain.md §6.2; docs/packet.md describes it.
"""

from typing import TYPE_CHECKING, Any

from hocbaso.signing._parsed import MalformedSignatureError, parse_signature
from hocbaso.signing.algorithms import SignatureAlgorithm
from hocbaso.signing.errors import (
    SignatureOrderError,
    SignerMismatchError,
    SignerUnavailableError,
    SigningError,
    SlotNotFoundError,
    TimestampError,
    TrustStoreError,
    VerificationFailedError,
)
from hocbaso.signing.result import (
    BindingDecision,
    Check,
    Reason,
    RoleBinding,
    RoleContext,
    SignatureReport,
    Status,
    VerificationResult,
    bind_by_subject_identifier,
    in_language,
)
from hocbaso.signing.roles import Role
from hocbaso.signing.signers import Signer
from hocbaso.signing.trust import TrustStore
from hocbaso.signing.verify import verify_packet

if TYPE_CHECKING:
    from hocbaso.signing.deferred import DeferredSigningSession, prepare_signature
    from hocbaso.signing.keyfile import KeyFileSigner
    from hocbaso.signing.pkcs11 import Pkcs11Signer
    from hocbaso.signing.sign import sign_packet, sign_tree
    from hocbaso.signing.timestamp import HttpTimestampAuthority, TimestampAuthority

# The signing side is loaded on first use (PEP 562): a verifier (hocbaso-verify,
# docs/verifier.md) starts in a fraction of a second without the signers' backends.
_SIGNING_SIDE = {
    "DeferredSigningSession": "deferred",
    "prepare_signature": "deferred",
    "KeyFileSigner": "keyfile",
    "Pkcs11Signer": "pkcs11",
    "sign_packet": "sign",
    "sign_tree": "sign",
    "HttpTimestampAuthority": "timestamp",
    "TimestampAuthority": "timestamp",
}


def __getattr__(name: str) -> Any:
    module = _SIGNING_SIDE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "BindingDecision",
    "Check",
    "DeferredSigningSession",
    "HttpTimestampAuthority",
    "KeyFileSigner",
    "MalformedSignatureError",
    "Pkcs11Signer",
    "Reason",
    "Role",
    "RoleBinding",
    "RoleContext",
    "SignatureAlgorithm",
    "SignatureOrderError",
    "SignatureReport",
    "Signer",
    "SignerMismatchError",
    "SignerUnavailableError",
    "SigningError",
    "SlotNotFoundError",
    "Status",
    "TimestampAuthority",
    "TimestampError",
    "TrustStore",
    "TrustStoreError",
    "VerificationFailedError",
    "VerificationResult",
    "bind_by_subject_identifier",
    "in_language",
    "parse_signature",
    "prepare_signature",
    "sign_packet",
    "sign_tree",
    "verify_packet",
]
