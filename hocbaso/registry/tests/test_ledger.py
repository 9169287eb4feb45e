"""The ledger: an entry per change, signed checkpoints, proofs, ``ledger verify``.

The proofs are checked with a verifier written here from RFC 6962 §2.1 (MTH, PATH,
PROOF), which recomputes the root from the entries, not with the project's own proof
code. Entries hold hashes and opaque identifiers only (domain.md §9).
"""

import base64
import hashlib
import io
import json
import stat

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from hocbaso.ledger import verify_checkpoint
from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.ledger_log import ledger_origin, verifier_key
from hocbaso.registry.models import LedgerCheckpoint, LedgerEntry, Submission
from hocbaso.registry.tests.helpers import submit
from hocbaso.tests.test_vietnamese_pages import english_in

# --- RFC 6962 §2.1, written from the RFC -------------------------------------


def _leaf(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _k(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(entries: list[bytes]) -> bytes:
    """MTH(D[n])."""
    if not entries:
        return hashlib.sha256(b"").digest()
    if len(entries) == 1:
        return _leaf(entries[0])
    k = _k(len(entries))
    return _node(mth(entries[:k]), mth(entries[k:]))


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]):
    """Recompute MTH from a leaf and its PATH(m, D[n]) (RFC 6962 §2.1.1)."""
    if size == 1:
        assert path == []
        return leaf
    k = _k(size)
    if index < k:
        return _node(root_from_inclusion(index, k, leaf, path[:-1]), path[-1])
    return _node(path[-1], root_from_inclusion(index - k, size - k, leaf, path[:-1]))


def subproof(m: int, entries: list[bytes], complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2."""
    n = len(entries)
    if m == n:
        return [] if complete else [mth(entries)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, entries[:k], complete), mth(entries[k:])]
    return [*subproof(m - k, entries[k:], False), mth(entries[:k])]


# ---------------------------------------------------------------------------


@pytest.fixture
def busy_ledger(district, db, clock, primary_clerk, system):
    """Submissions, a replacement, a revocation, a lock and a transfer."""
    records = district.records(district.primary, Round.MAIN)
    for record in records:
        submit(district, record, primary_clerk, clock)
    actions.replace(
        district.replacement[records[0].pk],
        school=records[0].school,
        actor=primary_clerk,
        reason="Sửa nhận xét",
        clock=clock,
    )
    revoked = Submission.objects.get(record=records[1])
    actions.revoke(
        revoked.public_id,
        school=records[1].school,
        actor=primary_clerk,
        reason="Nộp nhầm",
        clock=clock,
    )
    actions.lock_round(
        district.year, "main", scope=records[0].school, actor=system, clock=clock
    )
    student = records[2].transcript.student
    receiving = Actor.of_user(district.user(district.other_primary.school))
    transfer = actions.request_transfer(
        student_code=student.student_code,
        level="primary",
        to_school=district.other_primary.school,
        actor=receiving,
        clock=clock,
    )
    actions.release_transfer(
        transfer.public_id, school=records[2].school, actor=primary_clerk, clock=clock
    )
    return records


def _entries() -> list[bytes]:
    return [
        bytes(d)
        for d in LedgerEntry.objects.order_by("index").values_list("data", flat=True)
    ]


def test_every_change_is_an_entry_of_the_ledger_in_order(busy_ledger):
    events = [json.loads(e)["event"] for e in _entries()]
    assert events == [
        "record:submit",
        "record:submit",
        "record:submit",
        "record:replace",
        "record:revoke",
        "round:lock",
        "transcript:transfer-request",
        "transcript:transfer-release",
    ]


def test_entries_hold_no_personal_data_and_no_lookup_code(busy_ledger):
    text = b"".join(_entries())
    for record in busy_ledger:
        student = record.transcript.student
        assert record.transcript.lookup_code.encode() not in text
        assert record.transcript.feed_identifier.encode() not in text
        assert student.personal_id.encode() not in text
        assert student.student_code.encode() not in text
        assert student.full_name.encode() not in text


def test_the_latest_checkpoint_is_signed_and_names_the_whole_tree(busy_ledger):
    note = actions.latest_ledger_checkpoint()
    checkpoint = verify_checkpoint(note, verifier_key(), ledger_origin())
    entries = _entries()
    assert checkpoint.size == len(entries)
    assert checkpoint.root_hash == mth(entries)
    assert actions.ledger_verifier_key().startswith(ledger_origin() + "+")


def test_each_entry_has_an_inclusion_proof_that_an_rfc_6962_verifier_accepts(
    busy_ledger,
):
    entries = _entries()
    size = len(entries)
    root = mth(entries)
    for index, entry in enumerate(entries):
        path = actions.inclusion_proof(index, size)
        assert root_from_inclusion(index, size, _leaf(entry), path) == root
        earlier = index + 1
        assert root_from_inclusion(
            index, earlier, _leaf(entry), actions.inclusion_proof(index, earlier)
        ) == mth(entries[:earlier])


def test_consistency_proofs_match_the_rfc_6962_subproof(busy_ledger):
    entries = _entries()
    for size1 in range(1, len(entries)):
        for size2 in range(size1, len(entries) + 1):
            expected = subproof(size1, entries[:size2], True)
            assert actions.consistency_proof(size1, size2) == expected


def test_every_checkpoint_root_is_the_root_of_the_entries_at_its_size(busy_ledger):
    entries = _entries()
    for row in LedgerCheckpoint.objects.all():
        assert bytes(row.root) == mth(entries[: row.size])


def test_ledger_verify_says_ok_for_an_untouched_registry(busy_ledger):
    out = io.StringIO()
    call_command("ledger", "verify", stdout=out)
    assert out.getvalue().startswith("OK: 8 entries")


def _disable_trigger(table: str, operation: str) -> None:
    name = f"{table}_refuse_{operation}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
        else:
            cursor.execute(f"DROP TRIGGER {name}")


def test_ledger_verify_finds_a_stored_packet_altered_behind_its_back(busy_ledger):
    victim = Submission.objects.get(record=busy_ledger[2])
    _disable_trigger("registry_blob", "update")  # an attacker with the database
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_blob SET data = %s WHERE sha256 = %s",
            [b"<tampered/>", victim.blob_id],
        )

    report = actions.verify_ledger()

    assert not report.ok and report.index == victim.ledger_index
    assert victim.public_id in report.problem
    with pytest.raises(CommandError) as caught:
        call_command("ledger", "verify")
    assert "Ledger mismatch" in str(caught.value)


def test_ledger_verify_finds_a_rewritten_entry(busy_ledger):
    _disable_trigger("registry_ledgerentry", "update")
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE registry_ledgerentry SET data = %s WHERE "index" = 5',
            [b'{"forged":true}'],
        )

    report = actions.verify_ledger()

    assert not report.ok and report.index == 5


def test_the_ledger_key_is_made_at_run_time_readable_by_its_owner_only(busy_ledger):
    path = settings.HOCBASO_LEDGER_KEY
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("PRIVATE+KEY+" + ledger_origin() + "+")
    out = io.StringIO()
    call_command("ledger", "key", stdout=out)
    assert out.getvalue().strip() == actions.ledger_verifier_key()


def test_a_forged_checkpoint_is_named_in_vietnamese(busy_ledger):
    row = LedgerCheckpoint.objects.order_by("size").last()
    origin, size, _root, *rest = row.note.split("\n")
    forged_root = base64.b64encode(bytes(32)).decode()
    _disable_trigger("registry_ledgercheckpoint", "update")  # the database's owner
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_ledgercheckpoint SET note = %s WHERE size = %s",
            ["\n".join([origin, size, forged_root, *rest]), row.pk],
        )

    with translation.override("vi"):
        report = actions.verify_ledger()

    assert not report.ok
    assert f"điểm kiểm (checkpoint) {row.size}: chữ ký của" in report.problem
    assert "điểm kiểm tra đã bị sửa hoặc bị giả mạo" in report.problem
    assert not english_in(report.problem), report.problem
