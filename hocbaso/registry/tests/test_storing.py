"""Storing a class package's answers: a fixed number of statements under the ledger
head's lock, whatever the package's size, and the same rows and ledger entries as
one model instance per row wrote (docs/scaling.md, "Storing a record")."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from hocbaso.ledger import Ledger, MemoryStorage
from hocbaso.records.models import Round
from hocbaso.registry import actions, processing
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.entries import submission_entry
from hocbaso.registry.ledger_log import (
    ledger_origin,
    ledger_session,
    reading_ledger,
)
from hocbaso.registry.models import (
    AuditEvent,
    LedgerCheckpoint,
    LedgerEntry,
    Receipt,
    RecordResult,
    Submission,
)
from hocbaso.registry.package import build_package
from hocbaso.registry.storing_rows import RowInsert, RowInsertError
from hocbaso.registry.tests.helpers import ledger_size, submit
from hocbaso.registry.verification import InProcessVerifier

pytestmark = pytest.mark.django_db

# From the lock of the ledger head to the checkpoint: the head, its frontier, the
# receipt, the submissions, the round locks; an INSERT each for the bytes,
# submissions, results, audit rows, entries and subtree hashes; the records'
# status (its guard's read and the UPDATE), the receipt, the head, the checkpoint.
STATEMENTS_UNDER_THE_LOCK = 16


def _package(district, records) -> bytes:
    return build_package(
        [district.packet(r) for r in records],
        school_code=district.primary.school.code,
        school_year=district.year.name,
    )


def _received(district, records, actor, clock) -> Receipt:
    view = actions.submit(
        _package(district, records),
        school=district.primary.school,
        actor=actor,
        clock=clock,
        process=False,
    )
    return Receipt.objects.select_related("school").get(public_id=view.receipt_id)


def _answer(receipt: Receipt) -> Receipt:
    return processing.process_receipt(
        receipt, verifier=InProcessVerifier(), clock=fixed_clock(receipt.received_at)
    )


def _under_the_lock(queries) -> list[str]:
    sql = [q["sql"] for q in queries]
    start = next(n for n, s in enumerate(sql) if "registry_ledgerhead" in s)
    return [s for s in sql[start:] if "SAVEPOINT" not in s]


@pytest.fixture
def started(district, clock, other_clerk):
    """The ledger's head made by a first entry (its first append creates it)."""
    first = district.records(district.other_primary, Round.MAIN)[0]
    assert submit(district, first, other_clerk, clock).records[0].accepted


def test_a_package_is_stored_in_the_same_few_statements_whatever_its_size(
    district, clock, primary_clerk, started
):
    records = district.records(district.primary, Round.MAIN)
    assert len(records) >= 3
    counts = []
    for chosen in (records[:1], records[1:3]):
        receipt = _received(district, chosen, primary_clerk, clock)
        with CaptureQueriesContext(connection) as queries:
            answered = _answer(receipt)
        assert answered.accepted_count == len(chosen)
        counts.append(len(_under_the_lock(queries)))

    assert counts == [STATEMENTS_UNDER_THE_LOCK] * 2, counts


def test_the_ledger_gets_one_entry_per_packet_in_the_packages_order(
    district, clock, primary_clerk, started
):
    records = district.records(district.primary, Round.MAIN)[:3]
    before = ledger_size()
    prior = reading_ledger().entries(0, before)
    receipt = _received(district, records[::-1], primary_clerk, clock)

    answered = _answer(receipt)

    # The entries as the registry built them one model instance at a time: from
    # the stored submissions, in the package's order, onto the earlier entries.
    results = RecordResult.objects.filter(receipt=answered).order_by("position")
    expected = Ledger(MemoryStorage(), ledger_origin())
    for entry in prior:
        expected.append(entry)
    built = []
    for result in results:
        s = Submission.objects.get(pk=result.submission_id)
        built.append(
            submission_entry(
                record_id=s.record_id,
                public_id=s.public_id,
                packet_sha256=hashlib.sha256(district.packet(s.record)).hexdigest(),
                accepted_at=answered.processed_at,
            )
        )
        index = expected.append(built[-1])
        assert (s.ledger_index, s.blob_id) == (index, result.packet_sha256)
        assert s.record_id == records[::-1][result.position - 1].pk
    stored = LedgerEntry.objects.filter(index__gte=before).order_by("index")
    assert [bytes(e.data) for e in stored] == [e.to_bytes() for e in built]
    checkpoint = LedgerCheckpoint.objects.order_by("-size").first()
    assert bytes(checkpoint.root) == expected.root(before + 3)
    assert reading_ledger().root(before + 3) == expected.root(before + 3)
    assert actions.verify_ledger().ok


def test_the_rows_of_a_package_are_the_ones_the_orm_wrote(
    district, clock, primary_clerk, started
):
    records = district.records(district.primary, Round.MAIN)[:2]
    receipt = _received(district, records, primary_clerk, clock)

    answered = _answer(receipt)

    for record in records:
        s = Submission.objects.get(record=record)
        assert (s.state, s.reason, s.supersedes_id, s.lock_id) == (
            Submission.State.ACCEPTED,
            "",
            None,
            None,
        )
        assert (s.school_id, s.record_school_id) == (record.school_id,) * 2
        assert (s.school_year_id, s.round, s.grade) == (
            record.school_year_id,
            record.round,
            record.grade,
        )
        assert s.accepted_at == answered.processed_at
        assert (s.withdrawn_at, s.withdraw_reason, s.locked_at) == (None, "", None)
        event = AuditEvent.objects.get(object_id=s.public_id)
        assert (event.action, event.actor_user_id, event.actor_label) == (
            "record:submit",
            primary_clerk.user_id,
            primary_clerk.label,
        )
        assert event.detail == {
            "receipt": answered.public_id,
            "ledger_index": s.ledger_index,
        }
        assert event.at == answered.processed_at
        assert bytes(s.blob.data) == district.packet(record)
        assert s.blob.stored_at == answered.processed_at
    results = list(RecordResult.objects.filter(receipt=answered))
    assert [(r.outcome, r.problems, r.duplicate) for r in results] == [
        (RecordResult.Outcome.ACCEPTED, [], False)
    ] * 2


def test_entries_appended_in_two_sessions_keep_their_pinned_root(db):
    # A fixed input: the root was computed when each entry was a model instance;
    # the second session reads the subtree hashes the first one stored.
    at = dt.datetime(2026, 6, 20, 17, 0, tzinfo=dt.UTC)
    entries = [
        submission_entry(
            record_id=n,
            public_id=f"sub-{n:016d}",
            packet_sha256=hashlib.sha256(f"packet {n}".encode()).hexdigest(),
            accepted_at=at,
        )
        for n in range(1, 8)
    ]
    for session in (entries[:3], entries[3:]):
        with transaction.atomic(), ledger_session(at) as ledger:
            for entry in session:
                ledger.append(entry)

    root = reading_ledger().root(7).hex()
    assert root == PINNED_ROOT
    assert bytes(LedgerCheckpoint.objects.get(size=7).root).hex() == PINNED_ROOT


PINNED_ROOT = "cd05b4b771eae49a1c67e7bdb8b1796efacd3221ed9616715e26847cf130ff46"


def test_a_row_insert_refuses_a_column_it_cannot_fill_or_a_short_row(db):
    with pytest.raises(RowInsertError):
        RowInsert(Submission, ("record_id",))  # public_id: a random id each
    with pytest.raises(RowInsertError):
        RowInsert(LedgerCheckpoint, ("size", "root", "note"), returning=("created_at",))
    insert = RowInsert(LedgerEntry, ("index", "data"))
    with pytest.raises(RowInsertError):
        insert([(1,)])
