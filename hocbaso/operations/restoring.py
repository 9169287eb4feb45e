"""``hocbaso restore``: put a backup back, check it, say what was lost.

Steps, stopping at the first refusal with nothing written:
1. every member of the archive matches its manifest's SHA-256 (archive.py);
2. the backup is of this database's vendor and its files stay in their areas;
3. the ledger key: the installation's key is the backup's (its public key is in the
   manifest), or the backup carries the key and the installation has none;
4. the published checkpoints the restore compares with: the latest one in the
   database being replaced and the one given with ``--checkpoint``, each verified
   with the backup's ledger key (a forged one is refused, not reported);
5. the database is empty, or ``--force``;
then the missing data files are put back, the database is restored and checked:
``ledger verify`` passes, the log is the backup's, and it extends every published
checkpoint it is large enough to hold. A published checkpoint larger than the
restored log names the entries lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from hocbaso.files import write_private
from hocbaso.ledger import (
    Checkpoint,
    LedgerError,
    VerifierKey,
    verify_checkpoint,
    verify_consistency,
)
from hocbaso.operations import datafiles, sqlite
from hocbaso.operations.archive import Manifest, open_backup
from hocbaso.operations.backing_up import backend
from hocbaso.operations.errors import (
    BackupFileError,
    RestoredLedgerError,
    RestoreRefusedError,
)
from hocbaso.operations.ledger_facts import Published, to_utc
from hocbaso.operations.restore_checks import check_key, check_restored
from hocbaso.registry.ledger_log import reading_ledger
from hocbaso.registry.models import LedgerCheckpoint

_MAX_CHECKPOINT = 64 * 1024


@dataclass
class RestoreReport:
    manifest: Manifest
    size: int = 0
    losses: list[Published] = field(default_factory=list)
    published: list[Published] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files_written: int = 0


def restore(
    path: Path,
    *,
    force: bool,
    checkpoint: Path | None = None,
    checkpoint_time: dt.datetime | None = None,
) -> RestoreReport:
    """Restore the backup at ``path``; raises an OperationsError if refused."""
    with open_backup(path) as backup:
        report = RestoreReport(backup.manifest)
        vendor = _check_vendor(backup.manifest)
        files = [(datafiles.destination(e), e) for e in backup.manifest.files]
        public = check_key(backup.manifest, backup.files)
        if checkpoint is not None:
            report.published.append(_from_file(checkpoint, checkpoint_time, public))
        if not _is_empty():
            if not force:
                raise RestoreRefusedError(
                    _(
                        "The database is not empty: restoring replaces it whole. "
                        "Pass --force to replace it."
                    )
                )
            report.published.extend(_from_current_database(public, report))
        written = _put_back(files, backup.files, report)
        try:
            vendor.restore(backup.dump, lambda: check_restored(report))
        except Exception as exc:
            if vendor is sqlite or not isinstance(exc, RestoredLedgerError):
                for dest in written:  # the database is as it was: so are the files
                    dest.unlink(missing_ok=True)
            raise
    return report


def _check_vendor(manifest: Manifest):
    vendor = backend()
    if manifest.vendor != vendor.VENDOR:
        raise RestoreRefusedError(
            _(
                "The backup is of a %(backup)s database; this installation uses "
                "%(here)s."
            )
            % {"backup": manifest.vendor, "here": vendor.VENDOR}
        )
    return vendor


def _is_empty() -> bool:
    try:
        return not connection.introspection.table_names()
    finally:
        connection.close()


def _verified(note: str, public: bytes) -> Checkpoint:
    """The checkpoint, signed by the backup's ledger key under the origin it names."""
    origin = note.partition("\n")[0]
    return verify_checkpoint(note, VerifierKey(origin, public), origin)


def _from_file(path: Path, at: dt.datetime | None, public: bytes) -> Published:
    try:
        if path.stat().st_size > _MAX_CHECKPOINT:
            raise OSError(_("the file is too large for a checkpoint"))
        note = path.read_text(encoding="utf-8")
        checkpoint = _verified(note, public)
        when = at or dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    except (OSError, UnicodeDecodeError, LedgerError) as exc:
        raise RestoreRefusedError(
            _(
                "The checkpoint in %(path)s is not a checkpoint signed by the "
                "backup's ledger key: %(error)s"
            )
            % {"path": path, "error": exc}
        ) from exc
    return Published(checkpoint.size, checkpoint.root_hash, when, str(path))


def _from_current_database(public: bytes, report: RestoreReport) -> list[Published]:
    """The latest checkpoint the database being replaced published, if readable."""
    try:
        row = LedgerCheckpoint.objects.order_by("-size").first()
        if row is None:
            return []
        checkpoint = _verified(row.note, public)
        at = to_utc(row.created_at)
        proof = _prefix_proof(report.manifest, checkpoint.size)
    except (DatabaseError, LedgerError) as exc:
        report.warnings.append(
            _("The database being replaced has no usable checkpoint: %(error)s")
            % {"error": exc}
        )
        return []
    finally:
        connection.close()
    _check_prefix(report.manifest, checkpoint, proof)
    source = _("the database being replaced")
    return [Published(checkpoint.size, checkpoint.root_hash, at, source)]


def _prefix_proof(manifest: Manifest, size: int) -> list[bytes] | None:
    """The consistency proof, from the log being replaced, that the backup's log is
    its beginning (RFC 6962 §2.1.2); None if the backup's log is the larger."""
    backed_up = int(manifest.ledger.get("size") or 0)
    if not backed_up or backed_up > size:
        return None
    return reading_ledger().consistency_proof(backed_up, size)


def _check_prefix(manifest: Manifest, checkpoint: Checkpoint, proof) -> None:
    """Refuse a backup of another log: restoring it would not lose entries, it
    would replace the registry's published history."""
    if proof is None:
        return
    size, root = int(manifest.ledger["size"]), str(manifest.ledger.get("root") or "")
    try:
        old_root = bytes.fromhex(root)
        verify_consistency(size, checkpoint.size, old_root, checkpoint.root_hash, proof)
    except (ValueError, LedgerError) as exc:
        raise RestoreRefusedError(
            _(
                "The backup's log (%(n)s entries) is not the beginning of the log "
                "being replaced (%(m)s entries): it is another log."
            )
            % {"n": size, "m": checkpoint.size}
        ) from exc


def _put_back(files, contents: dict[str, bytes], report: RestoreReport) -> list[Path]:
    written = []
    try:
        for dest, entry in files:
            data = contents[entry["member"]]
            if datafiles.replaces(entry) and dest.exists():
                if dest.read_bytes() != data:
                    write_private(dest, data)
                    report.files_written += 1
            elif datafiles.put_back(dest, data):
                written.append(dest)
    except OSError as exc:
        for dest in written:
            dest.unlink(missing_ok=True)
        raise BackupFileError(
            _("A data file could not be put back: %(error)s") % {"error": exc}
        ) from exc
    report.files_written += len(written)
    return written
