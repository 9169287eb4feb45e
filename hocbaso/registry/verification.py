"""Verifying the packets of a receipt: the configured trust store and the records'
role binding.

``verify_packet`` (hocbaso.signing) checks the schema, every signature, its
certificate chain, validity, revocation and the signer's role; the role binding is
``hocbaso.records.binding.RecordsRoleBinding`` (domain.md §8), one instance per
verifier, which answers one batch (a receipt, or the receipts a worker answers
together), so that what it looks up is read once for the class a package holds, or
the class whose packets were sent one by one.

``InProcessVerifier`` verifies one packet after the other in the calling process.
Where that process runs is the task engine's business: the receipts are answered by
the workers (``hocbaso.season.tasks.answer_receipt``), as many as the deployment
starts (docs/architecture.md, "Background work").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from django.conf import settings

from hocbaso.records.binding import RecordsRoleBinding
from hocbaso.signing import TrustStore, VerificationResult, verify_packet

_stores: dict[tuple, TrustStore] = {}


def trust_store(path: Path | str | None = None) -> TrustStore:
    """settings.HOCBASO_TRUST_STORE loaded once, again when one of its files changes.

    Raises hocbaso.signing.TrustStoreError when the directory cannot be read.
    """
    path = Path(path or settings.HOCBASO_TRUST_STORE)
    try:
        files = sorted(path.iterdir()) if path.is_dir() else []
        key = (str(path), tuple((f.name, f.stat().st_mtime_ns) for f in files))
    except OSError:
        key = (str(path),)
    if key not in _stores:
        _stores.clear()
        _stores[key] = TrustStore.from_directory(path)
    return _stores[key]


class Verifier(Protocol):
    def verify(
        self, packets: Sequence[bytes], at: datetime
    ) -> list[VerificationResult]: ...


class InProcessVerifier:
    """Verify in this process with the configured trust store."""

    def __init__(self, store: TrustStore | None = None) -> None:
        self._store = store
        self._binding: RecordsRoleBinding | None = None

    def verify(
        self, packets: Sequence[bytes], at: datetime
    ) -> list[VerificationResult]:
        # One trust store and one binding for all the calls on this verifier (one
        # batch: the receipts a worker answers together call it once each, and
        # finding the store looks at its directory's files). The binding's answers
        # do not depend on the time verified at (appointments are per school year).
        self._store = self._store or trust_store()
        self._binding = self._binding or RecordsRoleBinding()
        return [
            verify_packet(p, self._store, at=at, role_binding=self._binding)
            for p in packets
        ]
