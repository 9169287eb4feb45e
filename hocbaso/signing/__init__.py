"""Signatures of transcript packets: signers, XML signatures, trust store, verification.

Pure: imports lxml, cryptography, asn1crypto, python-pkcs11 and hocbaso.packet, never
Django. The profile is domain.md §6.2; docs/packet.md describes it.
"""

from hocbaso.signing.algorithms import SignatureAlgorithm
from hocbaso.signing.deferred import DeferredSigningSession, prepare_signature
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
from hocbaso.signing.keyfile import KeyFileSigner
from hocbaso.signing.pkcs11 import Pkcs11Signer
from hocbaso.signing.result import (
    BindingDecision,
    Check,
    RoleBinding,
    RoleContext,
    SignatureReport,
    Status,
    VerificationResult,
    bind_by_subject_identifier,
)
from hocbaso.signing.roles import Role
from hocbaso.signing.sign import sign_packet, sign_tree
from hocbaso.signing.signers import Signer
from hocbaso.signing.timestamp import HttpTimestampAuthority, TimestampAuthority
from hocbaso.signing.trust import TrustStore
from hocbaso.signing.verify import verify_packet

__all__ = [
    "BindingDecision",
    "Check",
    "DeferredSigningSession",
    "HttpTimestampAuthority",
    "KeyFileSigner",
    "Pkcs11Signer",
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
    "prepare_signature",
    "sign_packet",
    "sign_tree",
    "verify_packet",
]
