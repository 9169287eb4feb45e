"""What the deferred signing actions share: the digest a page is given to sign, the
signer that replays the values given back, and the digest of one packet's next
Signature (docs/school.md, "Signing from the page: hash out, signature in").

``ReplaySigner`` answers only the digests the server prepared itself: a value for
another digest, or for a record that changed since, is refused, so the actions it is
handed to keep every check they make with a local key.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography import x509
from django.utils.translation import gettext as _

from hocbaso.packet import load_packet_tree
from hocbaso.records import signing_steps as steps
from hocbaso.records.errors import RecordSigningError
from hocbaso.records.models import YearlyRecord
from hocbaso.signing import Role as SignerRole
from hocbaso.signing import SignerUnavailableError
from hocbaso.signing.algorithms import SignatureAlgorithm, algorithm_for_key
from hocbaso.signing.deferred import prepare_in_tree


@dataclass(frozen=True)
class Digest:
    """One signature to make: the record, its packet version, the digest to sign."""

    record_id: int
    packet_sha256: str
    digest: bytes

    def as_json(self) -> dict:
        return {
            "record": self.record_id,
            "version": self.packet_sha256,
            "digest": base64.b64encode(self.digest).decode("ascii"),
        }


class ReplaySigner:
    """A Signer that answers with the values a remote signer gave for known digests.

    The chain is the one the client sent; ``registered_to`` and ``finish_signature``
    decide whether it and each value are acceptable. An unknown digest (the record
    changed since it was prepared, or was never prepared) is refused.
    """

    def __init__(
        self,
        certificate_chain: Sequence[x509.Certificate],
        values: Mapping[bytes, bytes],
    ) -> None:
        if not certificate_chain:
            raise RecordSigningError(_("the signer's certificate is missing"))
        self._chain = tuple(certificate_chain)
        self._values = dict(values)
        self._algorithm = algorithm_for_key(self._chain[0].public_key())

    @property
    def certificate_chain(self) -> tuple[x509.Certificate, ...]:
        return self._chain

    @property
    def algorithm(self) -> SignatureAlgorithm:
        return self._algorithm

    def sign_digest(self, digest: bytes) -> bytes:
        try:
            return self._values[digest]
        except KeyError:
            raise SignerUnavailableError(
                _(
                    "no signature was given for this record: it changed after the"
                    " digests were prepared; prepare the batch again"
                )
            ) from None


def whole_seconds(moment: dt.datetime) -> dt.datetime:
    """The signing time prepare and complete share: it is part of what is signed."""
    return moment.replace(microsecond=0)


def digest_of(
    record: YearlyRecord,
    data: bytes,
    role: SignerRole,
    algorithm: SignatureAlgorithm,
    signing_time: dt.datetime,
    identifier: str | None = None,
) -> bytes:
    """The digest of the role's next Signature in the packet ``data``."""
    with steps.refused_as_record_errors(record):
        root = load_packet_tree(data)
        prepared = prepare_in_tree(
            root,
            role,
            algorithm,
            identifier=identifier,
            signing_time=signing_time,
        )
    return prepared.digest


def store_packets(batch: list[YearlyRecord], signers) -> None:
    """Build and store the packets not built yet, so prepare and sign read the same."""
    new = [r for r in batch if steps.packet_of(r) is None]
    steps.save_packets(steps.packet_for(r, signers) for r in new)
