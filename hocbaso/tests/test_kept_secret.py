"""The secret key made at run time when none is given (hocbaso/settings.py)."""

from __future__ import annotations

import multiprocessing
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
