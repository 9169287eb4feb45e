"""Re-timestamping the archive of soft copies before their timestamps weaken.

The registry stores no soft copy: it prints one on demand from the signed packets.
What is kept for years is what `hocbaso export` writes (zips of soft copies, one
PDF a transcript) and any soft copy an operator saves: the archive is a directory
of such .pdf and .zip files. retimestamp_archive adds a new document timestamp
(longterm.retimestamp_pdf) to every B-LTA copy whose last timestamp's TSA
certificate expires within `within_days`, and rewrites each changed file through
a temporary file renamed into place, so a failure leaves the old file whole.
renew_configured_archive does it with plain configuration values (a TSA's URL, the
trust store's directory): `hocbaso retimestamp` and the worker's daily task call it.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hocbaso.printing.errors import PrintingError
from hocbaso.printing.longterm import ValidationData, is_due, retimestamp_pdf
from hocbaso.signing import SigningError, TrustStore
from hocbaso.signing.timestamp import HttpTimestampAuthority, TimestampAuthority

# Renew a copy when its last timestamp's TSA certificate has under this left: a
# daily pass then has months to retry a TSA that is down.
DEFAULT_WITHIN_DAYS = 180


@dataclass
class ArchiveReport:
    """What a pass over the archive did, file by file (zip members as zip!name)."""

    renewed: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def retimestamp_archive(
    folder: Path,
    authority: TimestampAuthority,
    validation: ValidationData,
    *,
    now: datetime,
    within_days: int,
) -> ArchiveReport:
    """Renew the copies under folder that are due; never raises for one bad file."""
    report = ArchiveReport()
    job = _Renewal(authority, validation, now, within_days)
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() == ".pdf":
            data = _renewed(path.name, path.read_bytes(), report, job)
            if data is not None:
                _replace(path, data)
        elif path.suffix.lower() == ".zip":
            _renew_zip(path, report, job)
    return report


def renew_configured_archive(
    folder: Path,
    *,
    tsa_url: str,
    trust_store: Path,
    now: datetime,
    within_days: int = DEFAULT_WITHIN_DAYS,
) -> ArchiveReport:
    """retimestamp_archive with an HTTP TSA and the trust store's validation data.

    Raises PrintingError when the folder, the TSA's URL or the trust store is
    unusable (nothing is changed then); one bad copy is reported, not raised.
    """
    if within_days < 0:
        raise PrintingError(f"within_days must not be negative: {within_days}")
    if not folder.is_dir():
        raise PrintingError(f"the archive folder does not exist: {folder}")
    try:
        authority = HttpTimestampAuthority(tsa_url)
        validation = ValidationData.from_trust_store(
            TrustStore.from_directory(trust_store)
        )
    except SigningError as exc:
        raise PrintingError(f"the archive cannot be re-timestamped: {exc}") from exc
    return retimestamp_archive(
        folder, authority, validation, now=now, within_days=within_days
    )


@dataclass(frozen=True)
class _Renewal:
    authority: TimestampAuthority
    validation: ValidationData
    now: datetime
    within_days: int


def _renewed(
    name: str, pdf: bytes, report: ArchiveReport, job: _Renewal
) -> bytes | None:
    try:
        if not is_due(pdf, now=job.now, within_days=job.within_days):
            report.current.append(name)
            return None
        renewed = retimestamp_pdf(pdf, job.authority, job.validation, moment=job.now)
    except PrintingError as exc:
        report.failed.append((name, str(exc)))
        return None
    report.renewed.append(name)
    return renewed


def _renew_zip(path: Path, report: ArchiveReport, job: _Renewal) -> None:
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    changed = False
    out: list[tuple[zipfile.ZipInfo, bytes]] = []
    for info, data in members:
        if info.filename.lower().endswith(".pdf"):
            renewed = _renewed(f"{path.name}!{info.filename}", data, report, job)
            if renewed is not None:
                data, changed = renewed, True
        out.append((info, data))
    if not changed:
        return
    with _temporary_beside(path) as temporary:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in out:
                target.writestr(info, data)
        os.replace(temporary, path)


def _replace(path: Path, data: bytes) -> None:
    with _temporary_beside(path) as temporary:
        Path(temporary).write_bytes(data)
        os.replace(temporary, path)


class _temporary_beside:
    """A temporary file name in path's directory, removed unless renamed."""

    def __init__(self, path: Path) -> None:
        handle, self.name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(handle)

    def __enter__(self) -> str:
        return self.name

    def __exit__(self, *exc: object) -> None:
        if os.path.exists(self.name):
            os.unlink(self.name)
