"""The backup file: a plain tar archive, mode 0600, with a JSON manifest.

Members, in this order: ``manifest.json``; the database dump (``database.sqlite3``
or ``database.pgdump``); the data directory's files as ``files/<area>/<path>``.
The manifest names every other member with its SHA-256 and size; reading refuses
a member that is not a regular file, not named by the manifest, named twice or
whose digest differs, so a damaged or altered archive is refused before anything
is written. Nothing in the archive chooses where a file goes: each area is a
setting's directory and a path inside it (``datafiles``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from hocbaso.operations.errors import BackupFileError, RestoreRefusedError

FORMAT = "hocbaso-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_MAX_MANIFEST = 4 * 1024 * 1024
_CHUNK = 1024 * 1024
_MAX_FILE = 64 * 1024 * 1024  # a data file (certificate, CRL, key) is read whole


@dataclass
class Manifest:
    created_at: str
    vendor: str
    database_sha256: str
    database_bytes: int
    ledger: dict
    keys_included: bool
    files: list[dict] = field(default_factory=list)

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.vendor]

    def to_json(self) -> bytes:
        body = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": self.created_at,
            "database": {
                "vendor": self.vendor,
                "member": self.database_member,
                "sha256": self.database_sha256,
                "bytes": self.database_bytes,
            },
            "ledger": self.ledger,
            "keys_included": self.keys_included,
            "files": self.files,
        }
        return json.dumps(body, indent=2, ensure_ascii=False).encode() + b"\n"

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            body = json.loads(data)
            if body.get("format") != FORMAT or body.get("version") != VERSION:
                raise ValueError("format")
            db = body["database"]
            manifest = cls(
                str(body["created_at"]),
                str(db["vendor"]),
                str(db["sha256"]),
                int(db["bytes"]),
                dict(body["ledger"]),
                bool(body["keys_included"]),
                [_file_entry(f) for f in body["files"]],
            )
            if db["member"] != manifest.database_member:
                raise ValueError("member")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupFileError(
                _("The backup's manifest is not a hocbaso backup manifest.")
            ) from exc
        return manifest


def _file_entry(raw: dict) -> dict:
    """A listed data file, its fields typed; ValueError if one is missing."""
    entry = {key: str(raw[key]) for key in ("member", "area", "path", "sha256")}
    entry["bytes"] = int(raw["bytes"])
    if entry["bytes"] > _MAX_FILE:
        raise ValueError("a data file is too large")
    return entry


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_archive(
    out: Path, manifest: Manifest, dump: Path, files: list[tuple[str, Path]]
) -> None:
    """Write the archive to ``out`` (mode 0600) through a temporary file renamed
    into place; an existing file is never overwritten (it might be the database)."""
    if out.exists():
        raise RestoreRefusedError(
            _("%(path)s already exists: name a new file for the backup.")
            % {"path": out}
        )
    fd, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            _add_bytes(tar, MANIFEST, manifest.to_json())
            _add_file(tar, manifest.database_member, dump)
            for member, path in files:
                _add_file(tar, member, path)
            tar.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.link(temp, out)  # fails, never replaces, if out appeared meanwhile
    finally:
        Path(temp).unlink(missing_ok=True)


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.type = size, 0o600, tarfile.REGTYPE
    info.mtime = int(time.time())
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    tar.addfile(_tarinfo(name, len(data)), io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> None:
    with open(path, "rb") as fh:
        tar.addfile(_tarinfo(name, os.fstat(fh.fileno()).st_size), fh)


@dataclass
class OpenedBackup:
    """A backup checked member by member: its manifest, the dump extracted to a
    private temporary directory, and the data files' contents."""

    manifest: Manifest
    dump: Path
    files: dict[str, bytes]


@contextmanager
def open_backup(path: Path) -> Iterator[OpenedBackup]:
    """Check the whole archive, then yield it; the extracted dump is removed after.

    Raises BackupFileError naming the first problem.
    """
    # in the data directory: writable, private, and the SQLite database's disk
    workdir = Path(tempfile.mkdtemp(prefix=".hocbaso-restore.", dir=settings.DATA_DIR))
    try:
        yield _read_archive(path, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _read_archive(path: Path, workdir: Path) -> OpenedBackup:
    try:
        with tarfile.open(path, mode="r:") as tar:
            return _read_members(tar, workdir)
    except (OSError, tarfile.TarError) as exc:
        raise BackupFileError(
            _("%(path)s cannot be read as a backup: %(error)s")
            % {"path": path, "error": exc}
        ) from exc


def _read_members(tar: tarfile.TarFile, workdir: Path) -> OpenedBackup:
    members = iter(tar)
    first = next(members, None)
    if first is None or first.name != MANIFEST or not first.isreg():
        raise BackupFileError(_("The backup does not begin with its manifest."))
    if first.size > _MAX_MANIFEST:
        raise BackupFileError(_("The backup's manifest is too large."))
    manifest = Manifest.from_json(_read(tar, first).read())
    expected = {f["member"]: f for f in manifest.files}
    expected[manifest.database_member] = {
        "sha256": manifest.database_sha256,
        "bytes": manifest.database_bytes,
    }
    dump, files = workdir / manifest.database_member, {}
    for member in members:
        entry = expected.pop(member.name, None)
        if entry is None or not member.isreg():
            raise BackupFileError(
                _("The backup holds %(name)s, which its manifest does not list.")
                % {"name": member.name}
            )
        if member.size != entry["bytes"]:
            raise _mismatch(member.name)
        if member.name == manifest.database_member:
            _extract_checked(tar, member, entry, dump)
        else:
            files[member.name] = _read_checked(tar, member, entry)
    if expected:
        raise BackupFileError(
            _("The backup lacks %(name)s, which its manifest lists.")
            % {"name": min(expected)}
        )
    return OpenedBackup(manifest, dump, files)


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    fh = tar.extractfile(member)
    if fh is None:
        raise BackupFileError(_("%(name)s is not a file.") % {"name": member.name})
    return fh


def _mismatch(name: str) -> BackupFileError:
    return BackupFileError(
        _(
            "%(name)s in the backup does not match the SHA-256 its manifest "
            "records: the file is damaged or altered."
        )
        % {"name": name}
    )


def _extract_checked(tar, member, entry: dict, dest: Path) -> None:
    digest, source = hashlib.sha256(), _read(tar, member)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != entry["sha256"] or member.size != entry["bytes"]:
        raise _mismatch(member.name)


def _read_checked(tar, member, entry: dict) -> bytes:
    data = _read(tar, member).read()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise _mismatch(member.name)
    return data
