"""Hash out, signature in: prepare a Signature, hand out its digest, assemble it later.

The local signing services and remote-signing providers teachers use work this way
(domain.md §8): the server prepares SignedInfo in place, the signer signs its SHA-256
digest, and the server checks the value against the certificate before assembling
SignatureValue and KeyInfo (XMLDSig §3.1). The state is plain JSON so it can wait in a
server-side store between two HTTP requests; it must not be trusted from a client.

A session is made from one version of the packet; complete it before preparing the
next signature, or prepare again from the newer packet.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from lxml import etree

from hocbaso.packet import layout as L
from hocbaso.packet import load_packet_tree, to_bytes
from hocbaso.signing import xmldsig as X
from hocbaso.signing.algorithms import (
    SignatureAlgorithm,
    algorithm_for_key,
    is_valid_signature,
    normalise_signature_value,
)
from hocbaso.signing.errors import (
    SignatureOrderError,
    SignerMismatchError,
    SigningError,
)
from hocbaso.signing.result import _, role_name
from hocbaso.signing.roles import PlacedSlot, Role, find_slot, find_slots
from hocbaso.signing.timestamp import TimestampAuthority, add_signature_timestamp

STATE_VERSION = 1


@dataclass(frozen=True)
class DeferredSigningSession:
    """A prepared, unsigned Signature waiting for its value."""

    packet: bytes
    signature_id: str
    algorithm: SignatureAlgorithm
    signed_info: bytes

    @property
    def to_be_signed(self) -> bytes:
        """The canonical SignedInfo: what a signer that hashes itself signs."""
        return self.signed_info

    @property
    def digest(self) -> bytes:
        """SHA-256 of the canonical SignedInfo: what a hash-and-sign signer signs."""
        return hashlib.sha256(self.signed_info).digest()

    def to_json(self) -> str:
        """The state as JSON, to keep between requests."""
        return json.dumps(
            {
                "v": STATE_VERSION,
                "packet": base64.b64encode(self.packet).decode(),
                "signature_id": self.signature_id,
                "algorithm": self.algorithm.value,
                "signed_info": base64.b64encode(self.signed_info).decode(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> DeferredSigningSession:
        """Restore a session saved by to_json; SigningError if the state is unusable."""
        try:
            state = json.loads(text)
            if state["v"] != STATE_VERSION:
                raise ValueError(f"state version {state['v']}")
            return cls(
                packet=base64.b64decode(state["packet"], validate=True),
                signature_id=str(state["signature_id"]),
                algorithm=SignatureAlgorithm(state["algorithm"]),
                signed_info=base64.b64decode(state["signed_info"], validate=True),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise SigningError(f"the saved signing state is unusable: {exc}") from exc

    def complete(
        self,
        signature_value: bytes,
        certificate_chain: Sequence[x509.Certificate],
        *,
        timestamp_authority: TimestampAuthority | None = None,
    ) -> bytes:
        """The packet with the finished Signature.

        signature_value may be raw r || s or DER for ECDSA. Raises SignerMismatchError
        when the value does not verify with the certificate or the algorithms differ.
        """
        if not certificate_chain:
            raise SignerMismatchError("the signer's certificate is missing")
        root = load_packet_tree(self.packet)
        ids = X.index_ids(root)
        signature = ids.get(self.signature_id)
        if (
            signature is None
            or X.canonicalize(X.signed_info_of(signature)) != self.signed_info
            or not X.references_match(signature, ids)
        ):
            raise SignerMismatchError("the saved state does not match its packet")
        finish_signature(
            PreparedSignature(signature, self.signature_id, self.signed_info),
            self.algorithm,
            signature_value,
            certificate_chain,
            timestamp_authority=timestamp_authority,
        )
        return to_bytes(root)


@dataclass(frozen=True)
class PreparedSignature:
    """An unsigned Signature placed in its slot of a parsed packet, digests filled."""

    element: etree._Element
    signature_id: str
    signed_info: bytes

    @property
    def digest(self) -> bytes:
        """SHA-256 of the canonical SignedInfo: what a hash-and-sign signer signs."""
        return hashlib.sha256(self.signed_info).digest()


def finish_signature(
    prepared: PreparedSignature,
    algorithm: SignatureAlgorithm,
    signature_value: bytes,
    certificate_chain: Sequence[x509.Certificate],
    *,
    timestamp_authority: TimestampAuthority | None = None,
) -> None:
    """Check the value against the certificate, then add SignatureValue and KeyInfo.

    Raises SignerMismatchError when the chain is missing, the certificate's key uses
    another algorithm or the value does not verify over the prepared SignedInfo.
    """
    if not certificate_chain:
        raise SignerMismatchError("the signer's certificate is missing")
    key = certificate_chain[0].public_key()
    if algorithm_for_key(key) is not algorithm:
        raise SignerMismatchError(
            "the certificate's key does not use the prepared algorithm"
        )
    value = normalise_signature_value(algorithm, signature_value)
    if not is_valid_signature(key, algorithm, prepared.signed_info, value):  # type: ignore[arg-type]
        raise SignerMismatchError(
            "the signature value does not verify with the certificate"
        )
    signature = prepared.element
    value_element = signature.find(X.ds("SignatureValue"))
    assert value_element is not None
    value_element.text = X.b64(value)
    X.add_key_info(signature, certificate_chain)
    if timestamp_authority is not None:
        add_signature_timestamp(signature, timestamp_authority)


def prepare_signature(
    packet: bytes,
    role: Role,
    algorithm: SignatureAlgorithm,
    *,
    identifier: str | None = None,
    signing_time: datetime | None = None,
) -> DeferredSigningSession:
    """Put an unsigned Signature in the role's slot and return the session to sign it.

    identifier selects the subject teacher's slot (their 12-digit id). Raises
    SlotNotFoundError, SignatureOrderError (an earlier role has not signed, or a
    later one already has), or a PacketError if the packet is not acceptable.
    """
    root = load_packet_tree(packet)
    prepared = prepare_in_tree(
        root, role, algorithm, identifier=identifier, signing_time=signing_time
    )
    return DeferredSigningSession(
        to_bytes(root), prepared.signature_id, algorithm, prepared.signed_info
    )


def prepare_in_tree(
    root: etree._Element,
    role: Role,
    algorithm: SignatureAlgorithm,
    *,
    identifier: str | None = None,
    signing_time: datetime | None = None,
) -> PreparedSignature:
    """prepare_signature on an already parsed and validated packet, in place."""
    slots = find_slots(root)
    target = find_slot(root, role, identifier, slots=slots)
    earlier = _check_order(root, slots, target)
    n = len(target.signatures()) + 1
    signature_id = target.slot.signature_id(n)
    references = [*target.covers, signature_id + X.SIGNING_TIME_SUFFIX, *earlier]
    signature = X.new_signature(
        signature_id, algorithm, references, signing_time or datetime.now(UTC)
    )
    target.element.append(signature)
    X.fill_digests(signature, X.index_ids(root))
    signed_info = X.canonicalize(X.signed_info_of(signature))
    return PreparedSignature(signature, signature_id, signed_info)


def _check_order(
    root: etree._Element, slots: list[PlacedSlot], target: PlacedSlot
) -> list[str]:
    """Enforce the order of §6.2; the Ids of the earlier signatures to reference."""
    rank, role = target.slot.role.rank, role_name(target.slot.role)
    for placed in slots:
        if placed.slot.role.rank > rank and placed.signatures():
            raise SignatureOrderError(
                _(
                    "the {done} has already signed; the {role} can no longer sign"
                ).format(done=role_name(placed.slot.role), role=role)
            )
        if placed.slot.role.rank < rank and not placed.signatures():
            raise SignatureOrderError(
                _("the {earlier} {who} must sign before the {role}").format(
                    earlier=role_name(placed.slot.role),
                    who=placed.slot.identifier,
                    role=role,
                )
            )
    if target.slot.role is Role.SEAL and root.find(f".//{L.q(L.ISSUANCE)}") is None:
        raise SignatureOrderError(
            _("issue the packet (issuance block) before sealing it")
        )
    return [
        sig.get(X.ID_ATTR, "")
        for placed in slots
        if placed.slot.role.rank < rank
        for sig in placed.signatures()
    ]
