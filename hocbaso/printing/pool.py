"""Printing many transcripts at once: worker processes, each with its own typst
compiler and its own seal, loaded once.

    seal = SealFiles(key_pem="…/seal.key.pem", chain_pem="…/seal.crt.pem")
    with PrintPool(workers=2, seal=seal) as pool:
        for job, pdf, error in pool.run(jobs):      # in completion order
            ...

A job carries plain values (the signed packets' bytes, the notes, the check URL),
so workers need no database and no Django: they parse, render and sign. Workers are
started with "spawn" (typst does not survive a fork, docs/printing.md). workers=0
prints in the calling process, for one core and for tests.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hocbaso.printing.document import DEFAULT_LOCATION, transcript_pdf
from hocbaso.printing.errors import PrintingError, SoftCopyError
from hocbaso.printing.longterm import LongTermSetup, ValidationData
from hocbaso.printing.softcopy import PdfSealSigner
from hocbaso.signing import KeyFileSigner, SigningError, TrustStore
from hocbaso.signing.timestamp import HttpTimestampAuthority

# Jobs handed to the pool ahead of the results read back, per worker: enough to
# keep every worker busy, few enough that memory stays flat for a whole school.
AHEAD_PER_WORKER = 4


@dataclass(frozen=True)
class SealFiles:
    """Where a seal's key is: a PKCS#12 file and its password, or a PEM key and
    its chain. Picklable, so each worker loads the same seal once."""

    p12: str | None = None
    password: bytes | None = None
    key_pem: str | None = None
    chain_pem: str | None = None
    # With a TSA's URL, the seal makes B-LTA copies, embedding the revocation
    # data of the trust store's directory (docs/printing.md); B-B without.
    tsa_url: str | None = None
    trust_store: str | None = None

    def load(self) -> PdfSealSigner:
        """The seal as a PDF signer; SoftCopyError when it cannot be loaded."""
        try:
            seal = self._load_key()
            if self.tsa_url:
                seal.long_term = LongTermSetup(
                    HttpTimestampAuthority(self.tsa_url),
                    ValidationData.from_trust_store(
                        TrustStore.from_directory(str(self.trust_store))
                    ),
                )
            return seal
        except (OSError, SigningError, ValueError) as exc:
            raise SoftCopyError(f"the seal cannot be loaded: {exc}") from exc

    def _load_key(self) -> PdfSealSigner:
        if self.p12:
            return PdfSealSigner.from_pkcs12_file(self.p12, self.password)
        key = Path(str(self.key_pem)).read_bytes()
        chain = Path(str(self.chain_pem)).read_bytes()
        return PdfSealSigner(KeyFileSigner.from_pem(key, chain))


@dataclass(frozen=True)
class PrintJob:
    """One transcript to print: its signed packets and what the pages say."""

    key: Any  # the caller's reference, returned with the result (never pickled)
    lookup_code: str
    check_url: str
    packets: tuple[bytes, ...]
    notes: tuple[str, ...] = ()
    status_lines: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


# One per process: the seal of this worker (or of the calling process).
_worker_seal: dict[str, Any] = {}


def _start(seal: SealFiles | None, location: str) -> None:
    _worker_seal["seal"] = seal.load() if seal is not None else None
    _worker_seal["location"] = location


def print_job(job: PrintJob) -> bytes:
    """Render (and sign, when the process has a seal) one job."""
    return transcript_pdf(
        job.packets,
        lookup_code=job.lookup_code,
        check_url=job.check_url,
        status_lines=job.status_lines,
        record_notes=job.notes or None,
        seal=_worker_seal.get("seal"),
        location=_worker_seal.get("location", DEFAULT_LOCATION),
    )


def _safe_print_job(job: PrintJob) -> tuple[bytes | None, str | None]:
    try:
        return print_job(job), None
    except PrintingError as exc:
        return None, str(exc)


class PrintPool:
    """Print jobs in `workers` spawned processes (0: in this process)."""

    def __init__(
        self,
        workers: int,
        *,
        seal: SealFiles | None = None,
        location: str = DEFAULT_LOCATION,
    ) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        if workers > 0:
            self._executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start,
                initargs=(seal, location),
            )
        else:
            _start(seal, location)

    def __enter__(self) -> PrintPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def run(
        self, jobs: Iterable[PrintJob]
    ) -> Iterator[tuple[PrintJob, bytes | None, str | None]]:
        """(job, pdf, None) or (job, None, error) for every job, as they finish.

        A job that fails (a packet that cannot be read, …) is reported, not raised;
        a worker that cannot start (its seal) raises SoftCopyError.
        """
        if self._executor is None:
            for job in jobs:
                pdf, error = _safe_print_job(job)
                yield job, pdf, error
            return
        pending: dict[Future, PrintJob] = {}
        queue = iter(jobs)
        limit = max(1, self.workers * AHEAD_PER_WORKER)
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < limit:
                job = next(queue, None)
                if job is None:
                    exhausted = True
                    break
                # the caller's key stays here: workers get plain values only
                plain = replace(job, key=None, extra={})
                pending[self._executor.submit(_safe_print_job, plain)] = job
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                try:
                    pdf, error = future.result()
                except PrintingError:
                    raise
                except Exception as exc:  # a worker died or could not start
                    raise SoftCopyError(f"a printing worker failed: {exc}") from exc
                yield job, pdf, error
