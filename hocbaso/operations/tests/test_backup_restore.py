"""hocbaso backup and restore, end to end, on SQLite and on PostgreSQL.

An installation of its own (installation.py) gets the registry tests' signed
district: 3 submissions and a lock, 4 ledger entries. ``populate more`` then
submits 2 more records: entries 4 and 5, made after the backup. The commands'
messages are checked in Vietnamese, the installation's language.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tarfile

import pytest

from hocbaso.operations.tests.installation import Databases, Installation

_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith(("postgres", "pgsql"))
# The SQLite installation keeps its own database file, like the exchange network's
# (run once, in the SQLite half); the PostgreSQL one needs the test cluster.
VENDORS = [pytest.param("sqlite", marks=pytest.mark.once)]
if _POSTGRES:
    VENDORS.append(pytest.param("postgresql", marks=pytest.mark.postgres))

LOST = "các mục 4..5 đã mất"
NOTHING_LOST = "Không mất gì"


@pytest.fixture(scope="module", params=VENDORS)
def databases(request):
    found = Databases(request.param)
    yield found
    if found.vendor != "sqlite":
        found.drop_all()


@pytest.fixture(scope="module")
def built(databases, tmp_path_factory) -> Installation:
    site = databases.new(tmp_path_factory.mktemp("built") / "site")
    site.populate("build")
    return site


@pytest.fixture
def site(databases, built, tmp_path) -> Installation:
    return databases.new(tmp_path / "site", template=built)


def _verify(site: Installation) -> str:
    return site.manage("ledger", "verify").stdout


def _fingerprint(site: Installation) -> str:
    if site.database_url is None:
        return hashlib.sha256(site.database.read_bytes()).hexdigest()
    return site.manage("ledger", "checkpoint").stdout


def test_a_backup_is_one_private_file_describing_its_ledger(site, tmp_path):
    out = tmp_path / "backup.tar"
    site.manage("backup", str(out))
    checkpoint = site.manage("ledger", "checkpoint").stdout

    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with tarfile.open(out) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        dump = tar.extractfile(manifest["database"]["member"]).read()
    assert manifest["created_at"].endswith("+00:00")
    assert manifest["ledger"]["size"] == 4
    assert manifest["ledger"]["checkpoint"] == checkpoint
    assert hashlib.sha256(dump).hexdigest() == manifest["database"]["sha256"]
    assert "files/trust/root.pem" in names
    assert not [n for n in names if "key" in n or n.startswith("files/pki/")]
    again = site.manage("backup", str(out), check=False)
    assert again.returncode != 0 and "đã có" in again.stderr


def test_it_names_the_entries_lost_since_the_backup(site, tmp_path):
    out = tmp_path / "backup.tar"
    site.manage("backup", str(out))
    site.populate("more")
    assert "OK: 6" in _verify(site)

    refused = site.manage("restore", str(out), check=False)
    assert refused.returncode != 0 and "--force" in refused.stderr
    done = site.manage("restore", "--force", str(out), check=False)

    assert done.returncode == 3
    assert "sổ cái sau khôi phục có 4 mục" in done.stderr
    assert "có 6 mục" in done.stderr and LOST in done.stderr
    assert "OK: 4" in _verify(site)


def test_with_nothing_added_nothing_is_lost(site, tmp_path):
    out = tmp_path / "backup.tar"
    site.manage("backup", str(out))

    done = site.manage("restore", "--force", str(out))

    assert NOTHING_LOST in done.stdout and "đã mất" not in done.stderr
    assert "OK: 4" in _verify(site)


def test_a_damaged_backup_is_refused_and_nothing_is_touched(site, tmp_path):
    out = tmp_path / "backup.tar"
    site.manage("backup", str(out))
    site.populate("more")
    with tarfile.open(out) as tar:
        dump = next(m for m in tar.getmembers() if m.name.startswith("database."))
        offset = dump.offset_data + dump.size // 2
    data = bytearray(out.read_bytes())
    data[offset] ^= 0xFF
    out.write_bytes(bytes(data))
    before = _fingerprint(site)

    done = site.manage("restore", "--force", str(out), check=False)

    assert done.returncode != 0
    assert "SHA-256" in done.stderr and "không thay đổi gì" in done.stderr
    assert _fingerprint(site) == before
    assert "OK: 6" in _verify(site)


def test_a_lost_installation_comes_back_from_keys_and_a_witness(
    site, databases, tmp_path
):
    out, witness = tmp_path / "backup.tar", tmp_path / "witness.txt"
    site.manage("backup", "--include-keys", str(out))
    site.populate("more")
    witness.write_text(site.manage("ledger", "checkpoint").stdout)
    fresh = databases.new(tmp_path / "fresh")
    forged = tmp_path / "forged.txt"
    forged.write_text(witness.read_text().replace("\n6\n", "\n9\n", 1))

    refused = fresh.manage(
        "restore", "--checkpoint", str(forged), str(out), check=False
    )
    assert refused.returncode != 0 and not fresh.ledger_key.exists()
    done = fresh.manage(
        "restore",
        "--checkpoint",
        str(witness),
        "--checkpoint-time",
        "2026-06-20T09:30:00+07:00",
        str(out),
        check=False,
    )

    assert done.returncode == 3
    assert "công bố lúc 20/06/2026 09:30:00" in done.stderr and LOST in done.stderr
    assert fresh.ledger_key.read_bytes() == site.ledger_key.read_bytes()
    assert stat.S_IMODE(fresh.ledger_key.stat().st_mode) == 0o600
    assert "OK: 4" in _verify(fresh)


def test_without_the_key_a_backup_is_refused_where_the_key_is_missing(
    site, databases, tmp_path
):
    out = tmp_path / "backup.tar"
    site.manage("backup", str(out))
    fresh = databases.new(tmp_path / "fresh")

    done = fresh.manage("restore", str(out), check=False)

    assert done.returncode != 0 and "--include-keys" in done.stderr
    assert not fresh.ledger_key.exists()
    fresh.ledger_key.parent.mkdir(mode=0o700)
    fresh.ledger_key.write_bytes(site.ledger_key.read_bytes())
    done = fresh.manage("restore", str(out))
    assert "Không có điểm kiểm" in done.stderr and NOTHING_LOST not in done.stdout
    assert "OK: 4" in _verify(fresh)


def test_a_backup_of_another_log_is_refused_over_the_registry(
    site, databases, built, tmp_path
):
    forked, out = databases.new(tmp_path / "forked", template=built), tmp_path / "b.tar"
    forked.populate("other")  # same key, same first 4 entries, then another 5th
    forked.manage("backup", str(out))
    site.populate("more")
    before = _fingerprint(site)

    done = site.manage("restore", "--force", str(out), check=False)

    assert done.returncode != 0 and "không phải phần đầu" in done.stderr
    assert _fingerprint(site) == before
