"""The restore's two checks: whose ledger key, and is the restored log sound."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from hocbaso.ledger import Ed25519NoteSigner, LedgerError, VerifierKey
from hocbaso.operations.archive import Manifest
from hocbaso.operations.errors import (
    BackupFileError,
    RestoredLedgerError,
    RestoreRefusedError,
)
from hocbaso.operations.ledger_facts import key_file_verifier
from hocbaso.registry.actions import verify_ledger
from hocbaso.registry.ledger_log import reading_ledger
from hocbaso.registry.models import LedgerCheckpoint

LEDGER_KEY_MEMBER = "files/ledger-key/key"


def check_key(manifest: Manifest, files: dict[str, bytes]) -> bytes:
    """The public key that signed the backup's checkpoints; refused unless the
    installation holds that key, or holds none and the backup carries it."""
    recorded = _recorded_key(manifest)
    carried = _carried_key(files)
    if recorded and carried and carried != recorded:
        raise BackupFileError(_("The backup's ledger key is not the one it names."))
    path = Path(settings.HOCBASO_LEDGER_KEY)
    configured = key_file_verifier(path)
    if configured == b"":
        raise RestoreRefusedError(
            _("The ledger key %(path)s cannot be read.") % {"path": path}
        )
    backup_key = carried or recorded
    if configured is None and carried is None and recorded is not None:
        raise RestoreRefusedError(
            _(
                "The ledger key %(path)s is missing and the backup does not carry "
                "it: put the key back, or restore a backup made with --include-keys."
            )
            % {"path": path}
        )
    if configured is not None and backup_key and configured != backup_key:
        raise RestoreRefusedError(
            _(
                "The ledger key %(path)s is not the key that signed the backup's "
                "checkpoints: this backup is of another registry, or the key was "
                "replaced (move it away to restore the backup's key)."
            )
            % {"path": path}
        )
    return configured or backup_key or b""


def _recorded_key(manifest: Manifest) -> bytes | None:
    text = manifest.ledger.get("verifier_key")
    if not text:
        return None
    try:
        return VerifierKey.from_string(str(text)).public_key
    except LedgerError as exc:
        raise BackupFileError(
            _("The backup's ledger verifier key is malformed: %(error)s")
            % {"error": exc}
        ) from exc


def _carried_key(files: dict[str, bytes]) -> bytes | None:
    data = files.get(LEDGER_KEY_MEMBER)
    if data is None:
        return None
    try:
        text = data.decode("ascii").strip()
        return Ed25519NoteSigner.from_private_key_string(text).public_key
    except (UnicodeDecodeError, LedgerError) as exc:
        raise BackupFileError(
            _("The backup's ledger key is malformed: %(error)s") % {"error": exc}
        ) from exc


def check_restored(report) -> None:
    """Run on the restored database before it is kept (SQLite) or right after
    (PostgreSQL): ledger verify, the backup's log, the published checkpoints."""
    result = verify_ledger()
    if not result.ok:
        raise RestoredLedgerError(
            _("The restored ledger does not verify: %(problem)s")
            % {"problem": result.problem}
        )
    _check_is_backup(report.manifest, result.size)
    report.size = result.size
    ledger = reading_ledger()
    for published in sorted(report.published, key=lambda p: p.size):
        if published.size > result.size:
            report.losses.append(published)
        elif ledger.root(published.size) != published.root:
            raise RestoredLedgerError(
                _(
                    "The restored log does not extend the checkpoint of "
                    "%(size)s entries from %(source)s: it is not the same log."
                )
                % {"size": published.size, "source": published.source}
            )


def _check_is_backup(manifest: Manifest, size: int) -> None:
    latest = LedgerCheckpoint.objects.order_by("-size").first()
    root = bytes(latest.root).hex() if latest else None
    if size != manifest.ledger.get("size") or root != manifest.ledger.get("root"):
        raise RestoredLedgerError(
            _(
                "The restored ledger (%(size)s entries) is not the one the "
                "backup's manifest records (%(expected)s entries)."
            )
            % {"size": size, "expected": manifest.ledger.get("size")}
        )
