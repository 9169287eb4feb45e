"""hocbaso-monitor against a log in memory: an honest log, an insider's forks, the
rules a registry must keep, and no Django."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys

import pytest

from hocbaso.ledger import Ed25519NoteSigner, Entry, Event, verify_checkpoint
from hocbaso.monitor.cli import main
from hocbaso.monitor.tests.fake_log import BASE, ORIGIN, FakeLog, lock_digest

KEY = Ed25519NoteSigner.generate(ORIGIN)
T0 = dt.datetime(2026, 6, 20, 3, 0, tzinfo=dt.UTC)


def monitor(log: FakeLog, state, *extra: str) -> int:
    key = KEY.verifier_key().to_string()
    argv = ["--url", BASE, "--key", key, "--state", str(state), *extra]
    return main(argv, fetch=log.fetch)


def sha(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def submit(sid: str, record: str = "record-1", at: dt.datetime = T0) -> Entry:
    return Entry(Event.RECORD_SUBMIT, at, record, sid, sha(sid))


def lock(log: FakeLog, sids: list[str], at: dt.datetime = T0) -> Entry:
    listed = [(s, sha(s).hex()) for s in sids]
    log.locks[log.tree.size] = listed
    return Entry(
        Event.ROUND_LOCK,
        at,
        "round:2025-2026:main:school-1",
        "lock-1",
        lock_digest(listed),
    )


@pytest.fixture
def log() -> FakeLog:
    honest = FakeLog(KEY)
    for i in range(5):
        honest.append(submit(f"sub-{i}", f"record-{i}"))
    return honest


def test_a_monitor_follows_an_honest_log_across_tiles(log, tmp_path, capsys):
    assert monitor(log, tmp_path) == 0
    for i in range(5, 600):
        log.append(submit(f"sub-{i}", f"record-{i}"))
    assert monitor(log, tmp_path) == 0
    assert "600" in capsys.readouterr().out
    assert monitor(log, tmp_path) == 0  # nothing new


def _insider(log: FakeLog, extra: int) -> FakeLog:
    """The same key signs a history where entry 1 was rewritten."""
    forged = FakeLog(KEY)
    for i in range(log.tree.size):
        data = log.storage.read_entries(i, i + 1)[0]
        forged.append(submit("sub-forged", "record-1") if i == 1 else data)
    for i in range(extra):
        forged.append(submit(f"sub-new-{i}"))
    return forged


@pytest.mark.parametrize("extra", [0, 3])
def test_an_insider_s_rewritten_history_is_reported_as_a_fork(
    log, tmp_path, capsys, extra
):
    assert monitor(log, tmp_path) == 0
    assert monitor(_insider(log, extra), tmp_path) == 2
    evidence = list(tmp_path.glob("fork-*.txt"))
    assert len(evidence) == 1
    assert "PHÂN NHÁNH" in capsys.readouterr().err
    notes = evidence[0].read_text().split("\n# the checkpoint that contradicts it:\n")
    old = verify_checkpoint(notes[0].split("seen before:\n")[1], KEY.verifier_key())
    new = verify_checkpoint(notes[1], KEY.verifier_key())
    assert old.size == 5 and new.size == 5 + extra and old.root_hash != new.root_hash


def test_wrong_tiles_under_an_honest_checkpoint_are_not_a_fork(log, tmp_path, capsys):
    assert monitor(log, tmp_path) == 0
    log.append(submit("sub-9"))
    honest_fetch = log.fetch

    def lying(url: str) -> bytes:
        data = honest_fetch(url)
        return data.replace(b"sub-9", b"sub-8") if "/tile/" in url else data

    log.fetch = lying  # type: ignore[method-assign]
    assert monitor(log, tmp_path) == 3
    assert not list(tmp_path.glob("fork-*"))


def test_a_revocation_or_replacement_after_the_lock_breaks_the_rules(
    log, tmp_path, capsys
):
    log.append(lock(log, ["sub-0", "sub-1"]))
    assert monitor(log, tmp_path) == 0
    log.append(Entry(Event.RECORD_REVOKE, T0, "record-0", "sub-0", sha("sub-0")))
    log.append(
        Entry(Event.RECORD_REPLACE, T0, "record-1", "sub-x", sha("x"), sha("sub-1"))
    )
    log.append(Entry(Event.RECORD_REVOKE, T0, "record-2", "sub-2", sha("sub-2")))
    assert monitor(log, tmp_path) == 1
    err = capsys.readouterr().err
    assert "thu hồi hồ sơ nộp sub-0" in err and "thay thế hồ sơ nộp sub-1" in err
    assert "sub-2" not in err


def test_a_lock_must_match_its_list_and_follow_what_it_covers(log, tmp_path, capsys):
    entry = lock(log, ["sub-0"], at=T0 - dt.timedelta(days=1))
    log.append(entry)
    bad = lock(log, ["sub-1", "sub-unknown"])
    log.append(bad)
    log.locks[6] = [("sub-1", sha("sub-1").hex())]  # the list no longer matches
    assert monitor(log, tmp_path) == 1
    err = capsys.readouterr().err
    assert "trước hồ sơ nộp sub-0" in err and "không khớp" in err


def test_a_state_directory_keeps_to_one_log_and_a_bad_key_is_named(
    log, tmp_path, capsys
):
    assert monitor(log, tmp_path) == 0
    other = Ed25519NoteSigner.generate(ORIGIN).verifier_key().to_string()
    argv = ["--url", BASE, "--key", other, "--state", str(tmp_path)]
    assert main(argv, fetch=log.fetch) == 3
    assert "sổ cái hoặc khóa khác" in capsys.readouterr().err
    argv[3] = "not a key"
    assert main(argv, fetch=log.fetch) == 3
    assert "Khóa xác minh không đúng định dạng" in capsys.readouterr().err


def test_the_monitor_imports_no_django() -> None:
    code = (
        "import sys, hocbaso.monitor.cli; "
        "bad = [m for m in sys.modules if m.startswith('django')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_lock_list_that_never_ends_is_not_checked(log, tmp_path):
    log.append(lock(log, ["sub-0"]))
    honest_fetch = log.fetch
    row = {"submission_id": "sub-0", "packet_sha256": sha("sub-0").hex()}
    page = json.dumps({"count": 10**9, "submissions": [row] * 1000}).encode()

    def endless(url: str) -> bytes:
        return page if "/ledger/locks/" in url else honest_fetch(url)

    log.fetch = endless  # type: ignore[method-assign]
    assert monitor(log, tmp_path) == 3
