"""The secret key made at run time when none is given (hocbaso/settings.py)."""

from __future__ import annotations

import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from hocbaso.settings import kept_secret

pytestmark = pytest.mark.once


def test_the_secret_is_made_once_private_and_kept(tmp_path):
    path = tmp_path / "data" / "secret_key"
    first = kept_secret(path)
    assert len(first) >= 50 and kept_secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no draft left


def test_a_process_that_comes_second_takes_the_secret_kept_first(tmp_path, monkeypatch):
    # Another process kept its secret between this one's look and its write.
    path = tmp_path / "secret_key"
    path.write_text("kept-by-the-other-process")
    real_exists = Path.exists
    monkeypatch.setattr(
        Path, "exists", lambda self: False if self == path else real_exists(self)
    )
    assert kept_secret(path) == "kept-by-the-other-process"
    assert path.read_text() == "kept-by-the-other-process"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def _secret_of_a_process(path: str, start, out) -> None:
    start.wait()
    out.put(kept_secret(Path(path)))


def test_processes_starting_at_once_share_one_secret(tmp_path):
    path = tmp_path / "secret_key"
    context = multiprocessing.get_context("fork")
    start, out = context.Event(), context.Queue()
    processes = [
        context.Process(target=_secret_of_a_process, args=(str(path), start, out))
        for _ in range(8)
    ]
    for process in processes:
        process.start()
    start.set()
    secrets = [out.get(timeout=30) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert len(set(secrets)) == 1 and secrets[0] == path.read_text()


def test_a_file_kept_once_is_never_seen_half_written(tmp_path, monkeypatch):
    # The moment another process looks: the file is either absent or whole.
    from hocbaso import files

    path = tmp_path / "ledger.key"
    seen = []
    real_link = os.link

    def watched_link(source, destination):
        # what is about to appear at path, and whether anything is there yet
        seen.append((Path(source).read_bytes(), Path(destination).exists()))
        return real_link(source, destination)

    monkeypatch.setattr(os, "link", watched_link)
    assert files.write_private_once(path, b"whole key\n") is True
    assert seen == [(b"whole key\n", False)]  # appears whole, in one step
    assert files.write_private_once(path, b"another key\n") is False
    assert path.read_bytes() == b"whole key\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.key"]


def test_a_ledger_key_made_by_another_process_first_is_the_one_used(
    tmp_path, monkeypatch
):
    from hocbaso.ledger import Ed25519NoteSigner
    from hocbaso.registry.ledger_log import key_file_signer

    path = tmp_path / "ledger.key"
    theirs = Ed25519NoteSigner.generate("registry.example")
    path.write_text(theirs.private_key_string() + "\n")
    real_exists = Path.exists
    monkeypatch.setattr(
        Path, "exists", lambda self: False if self == path else real_exists(self)
    )
    ours = key_file_signer(path, "registry.example")
    assert ours.verifier_key().to_string() == theirs.verifier_key().to_string()
