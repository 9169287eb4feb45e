"""``hocbaso backup``: the database, the ledger's state and the data files, in one
file (archive.py describes it)."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from hocbaso.ledger import VerifierKey
from hocbaso.operations import datafiles, postgres, sqlite
from hocbaso.operations.archive import Manifest, sha256_file, write_archive
from hocbaso.operations.ledger_facts import key_file_verifier


def backend():
    """The module that dumps and restores the configured database's vendor."""
    return postgres if connection.vendor == "postgresql" else sqlite


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest


def back_up(out: Path, *, include_keys: bool, now: dt.datetime) -> BackupResult:
    """Write the backup to ``out``; nothing is left behind if anything fails."""
    out = out.absolute()
    vendor = backend()
    work = Path(tempfile.mkdtemp(prefix=".hocbaso-backup.", dir=out.parent))
    try:
        dump = work / "database"
        ledger = vendor.dump(dump)
        ledger["verifier_key"] = _verifier_key()
        files = datafiles.collect(include_keys)
        manifest = Manifest(
            created_at=now.astimezone(dt.UTC).isoformat(),
            vendor=vendor.VENDOR,
            database_sha256=sha256_file(dump),
            database_bytes=dump.stat().st_size,
            ledger=ledger,
            keys_included=include_keys,
            files=[entry for _member, _path, entry in files],
        )
        members = [(member, path) for member, path, _entry in files]
        write_archive(out, manifest, dump, members)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupResult(out, manifest)


def _verifier_key() -> str | None:
    """The ledger's public key (never the private one), so a restore can tell
    whether the installation's key is the one that signed the checkpoints."""
    public = key_file_verifier(Path(settings.HOCBASO_LEDGER_KEY))
    if not public:
        return None
    return VerifierKey(settings.HOCBASO_LEDGER_ORIGIN, public).to_string()
