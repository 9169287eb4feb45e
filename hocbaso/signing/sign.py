"""Signing a packet in one call with a signer that answers at once.

The packet is parsed (and schema-validated) once, the Signature prepared, signed and
completed in the same tree, and the tree serialised once: the same bytes as
prepare_signature followed by DeferredSigningSession.complete, without parsing the
packet a second time. The signature adds only a ds:Signature in its slot, which the
schema admits as such (lax), so the packet read in is the packet to validate.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from hocbaso.packet import load_packet_tree, to_bytes
from hocbaso.signing.deferred import finish_signature, prepare_in_tree
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
    root = load_packet_tree(packet)
    sign_tree(
        root,
        signer,
        role,
        identifier=identifier,
        signing_time=signing_time,
        timestamp_authority=timestamp_authority,
    )
    return to_bytes(root)


def sign_tree(
    root: etree._Element,
    signer: Signer,
    role: Role,
    *,
    identifier: str | None = None,
    signing_time: datetime | None = None,
    timestamp_authority: TimestampAuthority | None = None,
) -> str:
    """sign_packet on a tree from load_packet_tree, in place; the new signature's Id.

    The tree must come from load_packet_tree (parsed safely, schema-valid) and be
    changed only by sign_tree since. On any error the tree may hold an unfinished
    Signature: parse the packet again rather than reuse it.
    """
    prepared = prepare_in_tree(
        root,
        role,
        signer.algorithm,
        identifier=identifier,
        signing_time=signing_time,
    )
    value = signer.sign_digest(prepared.digest)
    finish_signature(
        prepared,
        signer.algorithm,
        value,
        signer.certificate_chain,
        timestamp_authority=timestamp_authority,
    )
    return prepared.signature_id
