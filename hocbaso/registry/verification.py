"""Verifying the packets of a receipt: the configured trust store, the records' role
binding, and where the work runs.

``verify_packet`` (hocbaso.signing) checks the schema, every signature, its
certificate chain, validity, revocation and the signer's role; the role binding is
``hocbaso.records.binding.RecordsRoleBinding`` (domain.md §8), one instance per batch
so that what it looks up is read once for the class a package holds.

``InProcessVerifier`` verifies one packet after the other; ``PoolVerifier`` spreads
them over worker processes (each sets Django up and reads the database), for the
bulk of a deadline or the benchmark. Storing always stays in the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Protocol

from django.conf import settings

from hocbaso.records.binding import RecordsRoleBinding
from hocbaso.registry import _worker
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

    def verify(
        self, packets: Sequence[bytes], at: datetime
    ) -> list[VerificationResult]:
        store = self._store or trust_store()
        binding = RecordsRoleBinding()
        return [verify_packet(p, store, at=at, role_binding=binding) for p in packets]


class PoolVerifier:
    """Verify in ``workers`` processes, a chunk of packets per task.

    A result carries its status, its failed checks and the snapshot only (what
    processing reads), not every passed check nor the signature reports.
    """

    def __init__(self, workers: int | None = None, chunk: int = 16) -> None:
        # spawn, not fork: a forked worker would share the parent's database socket.
        self._pool = ProcessPoolExecutor(
            max_workers=workers or os.cpu_count() or 1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker.start,
            initargs=(os.environ.get("DJANGO_SETTINGS_MODULE", "hocbaso.settings"),),
        )
        self._chunk = chunk

    def verify(
        self, packets: Sequence[bytes], at: datetime
    ) -> list[VerificationResult]:
        return self.verify_later(packets, at)()

    def verify_later(
        self, packets: Sequence[bytes], at: datetime
    ) -> Callable[[], list[VerificationResult]]:
        """Start verifying now; the returned callable waits for the results.

        Lets a caller verify the next package while it stores the previous one.
        """
        futures = [
            self._pool.submit(
                _worker.verify_chunk, list(packets[i : i + self._chunk]), at
            )
            for i in range(0, len(packets), self._chunk)
        ]
        return lambda: [result for f in futures for result in f.result()]

    def close(self) -> None:
        self._pool.shutdown()
