"""Signing a packet in one call with a signer that answers at once."""

from __future__ import annotations

from datetime import datetime

from hocbaso.signing.deferred import prepare_signature
from hocbaso.signing.roles import Role
from hocbaso.signing.signers import Signer
from hocbaso.signing.timestamp import TimestampAuthority


def sign_packet(
    packet: bytes,
    signer: Signer,
    role: Role,
    *,
    identifier: str | None = None,
    signing_time: datetime | None = None,
    timestamp_authority: TimestampAuthority | None = None,
) -> bytes:
    """Add signer's Signature to the role's slot; earlier signatures stay untouched.

    identifier picks the subject teacher's slot. With a timestamp authority, an RFC
    3161 timestamp over the SignatureValue is added as an unsigned property. Raises
    SignatureOrderError, SlotNotFoundError, SignerMismatchError, TimestampError and
    PacketError.
    """
    session = prepare_signature(
        packet, role, signer.algorithm, identifier=identifier, signing_time=signing_time
    )
    value = signer.sign_digest(session.digest)
    return session.complete(
        value, signer.certificate_chain, timestamp_authority=timestamp_authority
    )
