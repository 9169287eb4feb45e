"""The backup file read as an attacker would write it: every member must be a
regular file the manifest lists with its digest, and no listed file may land
outside its area of the data directory. Refused before anything is written."""

from __future__ import annotations

import hashlib
import io
import stat
import tarfile

import pytest

from hocbaso.operations import datafiles
from hocbaso.operations.archive import Manifest, open_backup, write_archive
from hocbaso.operations.errors import BackupFileError, RestoreRefusedError


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.HOCBASO_TRUST_STORE = tmp_path / "data" / "pki" / "trust"
    settings.HOCBASO_LEDGER_KEY = tmp_path / "data" / "ledger" / "ledger.key"
    settings.HOCBASO_TRUST_STORE.mkdir(parents=True)
    (settings.HOCBASO_TRUST_STORE / "root.pem").write_text("certificate")
    return settings.DATA_DIR


def _backup(tmp_path, files=()) -> tuple:
    dump = tmp_path / "dump"
    dump.write_bytes(b"SQLite format 3\x00 pages")
    entries = datafiles.collect(include_keys=False)
    manifest = Manifest(
        "2026-12-07T00:00:00+00:00",
        "sqlite",
        hashlib.sha256(dump.read_bytes()).hexdigest(),
        dump.stat().st_size,
        {"size": 0, "root": None, "checkpoint": None, "at": None},
        False,
        [entry for _m, _p, entry in entries],
    )
    out = tmp_path / "backup.tar"
    write_archive(out, manifest, dump, [(m, p) for m, p, _e in entries])
    return out, manifest


def _append(out, name: str, data: bytes = b"x", kind=tarfile.REGTYPE) -> None:
    with tarfile.open(out, "a") as tar:
        info = tarfile.TarInfo(name)
        info.type, info.size = kind, (len(data) if kind == tarfile.REGTYPE else 0)
        if kind == tarfile.SYMTYPE:
            info.linkname = "/etc/passwd"
        tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def test_a_backup_reads_back_whole(data_dir, tmp_path):
    out, _manifest = _backup(tmp_path)

    with open_backup(out) as backup:
        assert backup.files == {"files/trust/root.pem": b"certificate"}
        assert backup.dump.read_bytes() == b"SQLite format 3\x00 pages"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_an_existing_file_is_never_overwritten_by_a_backup(data_dir, tmp_path):
    out, manifest = _backup(tmp_path)
    before = out.read_bytes()

    with pytest.raises(RestoreRefusedError, match="already exists"):
        write_archive(out, manifest, tmp_path / "dump", [])
    assert out.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("files/trust/extra.pem", tarfile.REGTYPE),
        ("files/trust/root.pem", tarfile.REGTYPE),  # a second copy, after the first
        ("files/trust/link.pem", tarfile.SYMTYPE),
    ],
)
def test_a_member_the_manifest_does_not_list_is_refused(data_dir, tmp_path, name, kind):
    out, _manifest = _backup(tmp_path)
    _append(out, name, kind=kind)

    with pytest.raises(BackupFileError, match="does not list"):
        with open_backup(out):
            pass


def test_an_altered_data_file_is_refused(data_dir, tmp_path):
    out, _manifest = _backup(tmp_path)
    data = out.read_bytes().replace(b"certificate", b"forgedcerts")
    out.write_bytes(data)

    with pytest.raises(BackupFileError, match="SHA-256"):
        with open_backup(out):
            pass


@pytest.mark.parametrize(
    "entry",
    [
        {"area": "trust", "path": "../../ledger/ledger.key"},
        {"area": "trust", "path": "/etc/cron.d/x"},
        {"area": "nowhere", "path": "x"},
        {"area": "ledger-key", "path": "../key"},
    ],
)
def test_a_file_outside_its_area_is_refused(data_dir, entry):
    entry["member"] = f"files/{entry['area']}/{entry['path']}"

    with pytest.raises(BackupFileError):
        datafiles.destination(entry)


def test_a_symlink_leaving_the_area_is_refused(data_dir, settings, tmp_path):
    (settings.HOCBASO_TRUST_STORE / "out").symlink_to(tmp_path)
    entry = {
        "area": "trust",
        "path": "out/evil.pem",
        "member": "files/trust/out/evil.pem",
    }

    with pytest.raises(BackupFileError, match="outside"):
        datafiles.destination(entry)


def test_a_manifest_listing_a_file_without_its_digest_is_refused(data_dir, tmp_path):
    out, manifest = _backup(tmp_path)
    del manifest.files[0]["sha256"]
    body = manifest.to_json()
    with tarfile.open(out) as tar:
        rest = [(m, tar.extractfile(m).read()) for m in tar.getmembers()[1:]]
    out.unlink()
    with tarfile.open(out, "w") as tar:
        for info, data in [(tarfile.TarInfo("manifest.json"), body), *rest]:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

    with pytest.raises(BackupFileError, match="not a hocbaso backup manifest"):
        with open_backup(out):
            pass
