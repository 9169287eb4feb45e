"""The data directory's files the registry needs besides its database.

Public, always in a backup: the trust store (HOCBASO_TRUST_STORE, the CAs and CRLs
signatures are verified against) and the peers' CAs (DATA_DIR/exchange/trust).
Secret, only with ``--include-keys``: the ledger key (HOCBASO_LEDGER_KEY; without
it no checkpoint can be signed or checked and no revocation reason verified), the
generated SECRET_KEY file, the exchange keys and the demo PKI (DATA_DIR/pki).

Each file is stored as ``files/<area>/<path inside the area>``. On restore the
area's directory comes from this installation's settings, never from the archive;
a path that would leave its area is refused. Files the data directory lacks are
put back (mode 0600); files it has are kept.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from hocbaso.operations.errors import BackupFileError


@dataclass(frozen=True)
class Area:
    name: str
    root: Path
    secret: bool
    single: bool = False  # root is one file, stored as files/<area>/key
    pattern: str = "**/*"
    replace: bool = False  # the backup's copy wins over the file found


def areas() -> list[Area]:
    data = Path(settings.DATA_DIR)
    return [
        Area("trust", Path(settings.HOCBASO_TRUST_STORE), secret=False),
        Area("exchange-trust", data / "exchange" / "trust", secret=False),
        Area("ledger-key", Path(settings.HOCBASO_LEDGER_KEY), True, single=True),
        # settings.py generates a new one at start-up, before any restore runs
        Area("secret-key", data / "secret_key", True, single=True, replace=True),
        Area("exchange-keys", data / "exchange", secret=True, pattern="*.key"),
        Area("pki", data / "pki", secret=True),
    ]


def collect(include_keys: bool) -> list[tuple[str, Path, dict]]:
    """(member name, file, manifest entry) of every file to back up."""
    found: dict[Path, tuple[str, Path, dict]] = {}
    for area in areas():
        if area.secret and not include_keys:
            continue
        for rel, path in _files_of(area):
            # the trust store is usually inside pki/: stored once, as trust
            found.setdefault(path.resolve(), _entry(area, rel, path))
    return sorted(found.values(), key=lambda item: item[0])


def _files_of(area: Area):
    if area.single:
        if area.root.is_file() and not area.root.is_symlink():
            yield "key", area.root
        return
    if not area.root.is_dir():
        return
    for path in sorted(area.root.glob(area.pattern)):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(area.root).as_posix(), path


def _entry(area: Area, rel: str, path: Path) -> tuple[str, Path, dict]:
    member = f"files/{area.name}/{rel}"
    data = path.read_bytes()
    entry = {
        "member": member,
        "area": area.name,
        "path": rel,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }
    return member, path, entry


def destination(entry: dict) -> Path:
    """Where a backed-up file goes in this installation; BackupFileError if the
    manifest names an unknown area or a path that leaves it."""
    by_name = {area.name: area for area in areas()}
    area = by_name.get(entry.get("area", ""))
    rel = PurePosixPath(str(entry.get("path", "")))
    member = f"files/{entry.get('area')}/{entry.get('path')}"
    bad_parts = any(part in {"", ".", ".."} for part in rel.parts)
    if area is None or entry.get("member") != member or rel.is_absolute() or bad_parts:
        raise BackupFileError(
            _("The backup names a file outside the data directory: %(name)s")
            % {"name": entry.get("member")}
        )
    if area.single:
        if rel.as_posix() != "key":
            raise BackupFileError(_("%(name)s is not a key file.") % {"name": member})
        return area.root
    dest = area.root.joinpath(*rel.parts)
    if not dest.resolve().is_relative_to(area.root.resolve()):
        raise BackupFileError(
            _("The backup names a file outside the data directory: %(name)s")
            % {"name": member}
        )
    return dest


def replaces(entry: dict) -> bool:
    """Whether the backup's copy of this file replaces the one found."""
    return any(a.replace and a.name == entry.get("area") for a in areas())


def put_back(dest: Path, data: bytes) -> bool:
    """Write a missing file with mode 0600 (its directories 0700); False if the
    file exists already (it is kept)."""
    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return True
