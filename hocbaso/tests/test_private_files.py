"""Files holding pupils' data are owner-only, whatever the umask."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hocbaso.files import keep_sqlite_private, write_private

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask():
    """Set a umask for the test, the old one restored after."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077])
def test_a_written_file_is_never_wider_than_0600(tmp_path, umask, mask):
    umask(mask)
    path = tmp_path / "hocba.xml"
    path.write_bytes(b"old")
    path.chmod(0o644)
    write_private(path, b"<hocba/>")
    assert path.read_bytes() == b"<hocba/>"
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["hocba.xml"]


def test_a_new_sqlite_database_and_its_wal_files_are_owner_only(tmp_path, umask):
    umask(0o022)
    path = tmp_path / "hocbaso.sqlite3"
    keep_sqlite_private(path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    files = sorted(tmp_path.iterdir())
    assert {p.name for p in files} >= {"hocbaso.sqlite3", "hocbaso.sqlite3-wal"}
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    connection.close()


def test_an_older_world_readable_database_is_narrowed(tmp_path):
    path = tmp_path / "hocbaso.sqlite3"
    for name in (path, Path(f"{path}-wal")):
        name.write_bytes(b"")
        name.chmod(0o644)
    keep_sqlite_private(path)
    assert mode(path) == mode(Path(f"{path}-wal")) == 0o600


def test_the_settings_make_the_database_owner_only_before_it_opens(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"HOCBASO_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": ""}
    code = (
        "import os, django; os.umask(0o022);"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'hocbaso.settings'; django.setup();"
        "from django.db import connection; connection.ensure_connection();"
        "connection.cursor().execute('CREATE TABLE t (x)')"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    database = tmp_path / "hocbaso.sqlite3"
    assert mode(database) == 0o600
    assert all(mode(p) == 0o600 for p in tmp_path.glob("hocbaso.sqlite3*"))
