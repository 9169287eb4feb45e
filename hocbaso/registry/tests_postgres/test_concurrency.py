"""Concurrent submissions and a lock racing them, for real, on PostgreSQL.

Several threads (each its own database connection) submit signed packets while
another locks the round. Whatever the interleaving: nothing accepted is lost, every
record accepted before the lock is locked by it, nothing is accepted after it, no
lock covers a half-written submission, and the ledger matches the registry.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.codes import RecordCode
from hocbaso.registry.entries import lock_listing, sha256_hex
from hocbaso.registry.models import (
    LedgerEntry,
    RecordResult,
    SchoolRoundLock,
    Submission,
)
from hocbaso.registry.tests.district import build

pytestmark = pytest.mark.postgres
THREADS = 4


@pytest.fixture
def committed(transactional_db, tmp_path, settings):
    settings.HOCBASO_LEDGER_KEY = tmp_path / "ledger.key"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    district = build(tmp_path, primary_main=10, other_main=6)
    settings.DATA_DIR = district.root
    settings.HOCBASO_TRUST_STORE = district.trust_dir
    return district


def _in_thread(target, errors):
    def run():
        try:
            target()
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=run)


def _work(district):
    """(school, actor, packet) of every main-round record, round-robin shuffled."""
    work = []
    for school_class in (district.primary, district.other_primary):
        actor = Actor.of_user(district.user(school_class.school))
        for record in district.records(school_class, Round.MAIN):
            work.append((school_class.school, actor, district.packet(record)))
    return work


def test_submissions_racing_a_lock_lose_nothing_and_lock_nothing_half_written(
    committed,
):
    district, clock = committed, fixed_clock(committed.open_at)
    work, errors, outcomes = _work(committed), [], []
    halfway = threading.Semaphore(0)

    def submitter(items):
        def run():
            for school, actor, packet in items:
                view = actions.submit(packet, school=school, actor=actor, clock=clock)
                outcomes.extend(view.records)
                halfway.release()

        return run

    def locker():
        for _ in range(len(work) // 2):
            halfway.acquire()
        actions.lock_round(
            district.year, "main", actor=Actor.system("race"), clock=clock
        )

    threads = [
        _in_thread(submitter(work[i::THREADS]), errors) for i in range(THREADS)
    ] + [_in_thread(locker, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(outcomes) == len(work)
    accepted = [o for o in outcomes if o.accepted]
    rejected = [o for o in outcomes if not o.accepted]
    assert len(accepted) >= len(work) // 2
    assert all(
        {p.code for p in o.problems} == {RecordCode.ROUND_LOCKED} for o in rejected
    )
    stored = Submission.objects.filter(round="main")
    assert set(stored.values_list("public_id", flat=True)) == {
        o.submission_id for o in accepted
    }
    assert not stored.filter(locked_at__isnull=True).exists()
    for row in SchoolRoundLock.objects.filter(round="main"):
        locked = Submission.objects.filter(lock=row).values_list("public_id", "blob_id")
        assert row.digest == sha256_hex(lock_listing(locked))
        assert row.locked_count == len(locked)
    indexes = list(
        LedgerEntry.objects.order_by("index").values_list("index", flat=True)
    )
    assert indexes == list(range(len(indexes)))
    assert actions.verify_ledger().ok


def test_the_same_packet_sent_by_many_threads_at_once_is_stored_once(committed):
    district, clock = committed, fixed_clock(committed.open_at)
    record = district.records(district.primary, Round.MAIN)[0]
    actor = Actor.of_user(district.user(record.school))
    errors, views = [], []

    def send():
        views.append(
            actions.submit(
                district.packet(record), school=record.school, actor=actor, clock=clock
            )
        )

    threads = [_in_thread(send, errors) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert all(v.records[0].accepted for v in views)
    assert Submission.objects.filter(record=record).count() == 1
    assert RecordResult.objects.filter(duplicate=False).count() == 1
    assert actions.verify_ledger().ok
