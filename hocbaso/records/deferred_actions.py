"""The signing actions driven from a page: hash out, signature in (domain.md §8).

A teacher's private key stays on their token, on their own computer. The page asks the
server for the digests to sign (``prepare_*``), a local signing agent signs them, the
page posts the values back and the server runs the very action of ``actions`` with a
``ReplaySigner``: each Signature is prepared again from the stored packet, the value
given for its digest is checked against the certificate (``finish_signature``), the
certificate must be registered to the signer (``registered_to``) and the batch is
signed all or nothing. Nothing from the client is trusted: a value for another digest,
from another key or for a record that changed since the digests were prepared makes
the whole batch refuse, and nothing is written.

Prepare and complete must use the same ``signing_time`` (whole seconds): it is part of
what is signed. The principal's batch needs two rounds: the seal covers the leader's
signature and the issuance block, so its digests exist only once the leader's values
are known (``prepare_seal``).

``finalise_records`` is the homeroom teacher's "this record is ready": results
recomputed from the raw data, draft → finalised.

This module is the one name the school's pages and batches import; the parts live in
``replay_signer`` (the digest and the signer that replays values), ``deferred_teachers``
(homeroom and subject teachers), ``deferred_leader`` (principal and seal) and
``finalising`` (docs/school.md, "Signing from the page: hash out, signature in").
"""

from __future__ import annotations

from hocbaso.records.deferred_leader import (
    complete_leader_and_seal,
    prepare_leader,
    prepare_seal,
)
from hocbaso.records.deferred_teachers import (
    complete_homeroom,
    complete_subject_teacher,
    prepare_homeroom,
    prepare_subject_teacher,
)
from hocbaso.records.finalising import finalise_records
from hocbaso.records.replay_signer import Digest, ReplaySigner

__all__ = [
    "Digest",
    "ReplaySigner",
    "complete_homeroom",
    "complete_leader_and_seal",
    "complete_subject_teacher",
    "finalise_records",
    "prepare_homeroom",
    "prepare_leader",
    "prepare_seal",
    "prepare_subject_teacher",
]
