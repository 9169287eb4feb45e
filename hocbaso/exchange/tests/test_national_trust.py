"""The national repository trusts only what it can check: a department that lies
with its own valid keys (about a ledger index, an effective date, a record id, a
school, another department's pupils, its ledger's history) is refused with a
stable code, and nothing is stored.

In one process, with real signed batches (as test_batches): the department's batch
is re-signed with the department's own exchange key after each lie.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from hocbaso.exchange import inbound, outbox, signed, trust
from hocbaso.exchange.errors import ExchangeError
from hocbaso.exchange.models import (
    AcceptedCheckpoint,
    InboundBatch,
    NationalRecord,
    OutboundBatch,
)
from hocbaso.exchange.tests.test_batches import _become_national
from hocbaso.ledger import Checkpoint, Ed25519NoteSigner, sign_checkpoint, sign_note
from hocbaso.registry.ledger_log import ledger_signer


def _queue(district, **options):
    return outbox.queue_round(district.year.name, "main", at=timezone.now(), **options)


def _reworked(batch, change) -> bytes:
    """The batch after ``change``, signed again with the department's own key."""
    body = json.loads(bytes(batch.body))
    manifest = json.loads(body["manifest"].split("\n", 1)[0])
    change(body, manifest)
    body["manifest"] = sign_note(signed.canonical(manifest) + "\n", _DEPARTMENT[0])
    return json.dumps(body).encode()


_DEPARTMENT: list = []


@pytest.fixture(autouse=True)
def _department_key(district, locked):
    """The department's exchange key, read before the installation turns national."""
    _DEPARTMENT[:] = [signed.signer()]


def _refused(body: bytes, code: str) -> ExchangeError:
    held = NationalRecord.objects.count(), InboundBatch.objects.count()
    with pytest.raises(ExchangeError) as caught:
        inbound.receive_batch(body, at=timezone.now())
    assert caught.value.code == code, str(caught.value)
    assert (NationalRecord.objects.count(), InboundBatch.objects.count()) == held
    return caught.value


def _row_lie(field, value):
    def change(body, manifest):
        row = body["records"][0]["row"]
        row[field] = value
        if field in ("idbanghi", "phienban", "sukien"):
            manifest["records"][0][field] = value
        manifest["records"][0]["row_sha256"] = signed.sha256_hex(signed.canonical(row))

    return change


def _lock_at(index):
    def change(body, manifest):
        manifest["records"][0]["lock_index"] = index

    return change


def _new_batch_id(body, manifest):
    manifest["batch"] = "bat-" + "ab" * 10


@pytest.mark.parametrize(
    ("lie", "code"),
    [
        (_lock_at(0), "LEDGER_PROOF_INVALID"),  # a lock index of another entry
        (
            _row_lie("ngayhieuluc", "2020-01-01T00:00:00+00:00"),
            "EFFECTIVE_DATE_MISMATCH",
        ),
        (_row_lie("idbanghi", "01-r1"), "RECORD_ID_MISMATCH"),
        (_row_lie("matruong", "019999"), "BATCH_INVALID"),
        (_row_lie("phienban", 2), "VERSION_NOT_PROVEN"),
    ],
)
def test_a_department_lying_about_a_record_is_refused(district, locked, lie, code):
    (batch,) = _queue(district)
    _become_national(district)
    _refused(_reworked(batch, lie), code)


def test_a_lock_entry_that_does_not_list_the_packet_is_refused(district, locked):
    (batch,) = _queue(district)

    def other_lock(body, manifest):
        first = manifest["records"][0]
        others = [r["lock_index"] for r in manifest["records"]]
        first["lock_index"] = next(i for i in others if i != first["lock_index"])

    _become_national(district)
    _refused(_reworked(batch, other_lock), "LEDGER_PROOF_INVALID")


def test_another_departments_pupils_are_refused(district, locked):
    """Department 79, with valid keys of its own, sends pupils of department 01."""
    (batch,) = _queue(district)
    _become_national(district, code="79")

    def as_79(body, manifest):
        manifest["department"] = "79"

    error = _refused(_reworked(batch, as_79), "WRONG_DEPARTMENT")
    assert "01" in str(error) and "79" in str(error)


def test_each_department_verifies_against_its_own_cas_only(district, locked):
    _become_national(district)
    trust.register_peer(
        {"code": "80", "kind": "department", "key": "k", "ca": []},
        at=timezone.now(),
    )
    with pytest.raises(ExchangeError) as caught:
        trust.department_trust_store("80")
    assert caught.value.code == "UNKNOWN_PEER"
    assert trust.department_trust_store("01") is not None


def test_a_checkpoint_of_another_history_is_refused(district, locked):
    """The department signs, with its own ledger key, a tree that does not extend
    the checkpoint the national repository accepted from it."""
    (batch,) = _queue(district)
    _become_national(district)
    inbound.receive_batch(bytes(batch.body), at=timezone.now())
    accepted = AcceptedCheckpoint.objects.get(department="01")
    forged = sign_checkpoint(
        Checkpoint(ledger_signer().name, accepted.size + 5, bytes(32)), ledger_signer()
    )

    def fork(body, manifest):
        manifest["batch"] = "bat-" + "cd" * 10
        manifest["checkpoint"] = forged

    _refused(_reworked(batch, fork), "CHECKPOINT_INCONSISTENT")


def test_same_record_version_with_other_bytes_is_a_conflict(district, locked):
    (batch,) = _queue(district)
    _become_national(district)
    inbound.receive_batch(bytes(batch.body), at=timezone.now())
    held = NationalRecord.objects.order_by("pk").first()
    NationalRecord.objects.filter(pk=held.pk).update(packet_sha256="0" * 64)
    _refused(_reworked(batch, _new_batch_id), "RECORD_CONFLICT")


def test_a_transcript_year_held_under_another_id_is_not_stored_again(district, locked):
    (batch,) = _queue(district)
    _become_national(district)
    inbound.receive_batch(bytes(batch.body), at=timezone.now())
    held = NationalRecord.objects.order_by("pk").first()
    NationalRecord.objects.filter(pk=held.pk).update(record_id="01-r999")
    error = _refused(_reworked(batch, _new_batch_id), "RECORD_CONFLICT")
    assert "01-r999" in str(error)
    pages = NationalRecord.objects.filter(
        lookup_code=held.lookup_code, school_year=held.school_year, is_current=True
    )
    assert pages.count() == 1


def test_a_rotated_ledger_key_no_longer_signs_new_checkpoints(district, locked):
    (batch,) = _queue(district)
    _become_national(district)
    trust.register_peer(
        {
            "code": "01",
            "kind": "department",
            "key": _DEPARTMENT[0].verifier_key().to_string(),
            "ledger_key": Ed25519NoteSigner.generate(ledger_signer().name)
            .verifier_key()
            .to_string(),
        },
        at=timezone.now(),
    )
    _refused(bytes(batch.body), "LEDGER_PROOF_INVALID")


def test_resend_sends_only_that_batch_and_fails_loudly(district, locked):
    first, second = _queue(district, batch_size=len(_all_locked()) - 1)
    with pytest.raises(CommandError) as caught, translation.override("vi"):
        call_command(
            "exchange", "resend", first.batch_id, "--attempts", "1", "--backoff", "0"
        )
    assert first.batch_id in str(caught.value)
    assert "vẫn chưa được xác nhận" in str(caught.value)  # still not acknowledged
    states = dict(OutboundBatch.objects.values_list("batch_id", "attempts"))
    assert states == {first.batch_id: 1, second.batch_id: 0}


def _all_locked():
    from hocbaso.registry.models import Submission

    return list(Submission.objects.filter(locked_at__isnull=False))


def test_the_manifest_carries_the_ledger_evidence(district, locked):
    (batch,) = _queue(district)
    manifest = json.loads(json.loads(bytes(batch.body))["manifest"].split("\n")[0])
    assert manifest["locks"] and manifest["earlier"] == []
    for record in manifest["records"]:
        assert str(record["lock_index"]) in manifest["locks"]
        assert record["submission"]["proof"]
