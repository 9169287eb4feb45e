"""Batches in one process: what leaves the province, and what the receiver refuses.

The department and the receiver share this test database here (the multi-process
tests run them apart); the receiver is this installation renamed ``national``.
"""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client
from django.utils import timezone

from hocbaso.exchange import inbound, outbox, signed, trust
from hocbaso.exchange.errors import (
    BatchInvalidError,
    SignatureError,
    UnknownPeerError,
)
from hocbaso.exchange.feed import stable_record_id
from hocbaso.exchange.models import Identity, NationalRecord, OutboundRecord, Peer
from hocbaso.ledger import Ed25519NoteSigner, sign_note
from hocbaso.registry import actions as registry
from hocbaso.registry.tests.helpers import tamper


def _queue(district):
    return outbox.queue_round(district.year.name, "main", at=timezone.now())


def _become_national(district, code="01"):
    """The receiving side: this installation as the national repository, which
    trusts department ``code`` with this department's keys and CAs."""
    trust.register_peer(
        {
            "code": code,
            "kind": "department",
            "key": signed.signer().verifier_key().to_string(),
            "ledger_key": registry.ledger_verifier_key(),
            # the district's own CAs, not the peer copies an earlier test of
            # the package registered into the same trust store
            "ca": sorted(
                p
                for p in district.trust_dir.glob("*")
                if not p.name.startswith("peer-")
            ),
        },
        at=timezone.now(),
    )
    Identity.objects.create(code="national")


def test_only_locked_records_leave_and_a_revoked_one_never(district, locked):
    batches = _queue(district)
    sent = set(OutboundRecord.objects.values_list("record_id", flat=True))
    revoked = locked["revoked"]
    assert (
        stable_record_id("01", revoked.transcript.lookup_code, district.year.name)
        not in sent
    )
    locked_count = sum(1 for s in registry_submissions() if s.locked_at is not None)
    assert len(sent) == locked_count == sum(b.record_count for b in batches) > 0
    assert _queue(district) == []  # nothing new to send


def registry_submissions():
    from hocbaso.registry.models import Submission

    return Submission.objects.filter(state="accepted")


def test_the_manifest_lists_hashes_checkpoint_and_counts(district, locked):
    (batch,) = _queue(district)
    body = json.loads(bytes(batch.body))
    manifest = signed.open_document(
        body["manifest"],
        Peer(code="01", exchange_key=signed.signer().verifier_key().to_string()),
    )
    assert manifest["checkpoint"] == registry.latest_ledger_checkpoint()
    assert sum(manifest["counts"].values()) == batch.record_count
    for entry, record in zip(manifest["records"], body["records"], strict=True):
        packet = base64.b64decode(record["packet"])
        assert entry["packet_sha256"] == signed.sha256_hex(packet)
        assert record["row"]["sukien"] == "NEW" and record["row"]["phienban"] == 1


def test_the_receiver_stores_each_record_once(district, locked):
    (batch,) = _queue(district)
    _become_national(district)
    stored, receipt = inbound.receive_batch(bytes(batch.body), at=timezone.now())
    again, same = inbound.receive_batch(bytes(batch.body), at=timezone.now())
    assert (stored, again) == (True, False) and receipt == same
    assert NationalRecord.objects.count() == batch.record_count


def _reworked(batch, change, *, resign=True) -> bytes:
    body = json.loads(bytes(batch.body))
    manifest = json.loads(body["manifest"].split("\n", 1)[0])
    change(body, manifest)
    text = signed.canonical(manifest) + "\n"
    body["manifest"] = (
        signed.sign_document(manifest)
        if resign
        else sign_note(text, Ed25519NoteSigner.generate("hocbaso-exchange-01"))
    )
    return json.dumps(body).encode()


def _swap_packet(body, manifest):
    record = body["records"][0]
    changed = tamper(base64.b64decode(record["packet"]))
    record["packet"] = base64.b64encode(changed).decode()
    manifest["records"][0]["packet_sha256"] = signed.sha256_hex(changed)


def _change_row(body, manifest):
    row = body["records"][0]["row"]
    row["hovaten"] = "Nguyễn Văn Khác"
    manifest["records"][0]["row_sha256"] = signed.sha256_hex(signed.canonical(row))


def _change_counts(body, manifest):
    unit = next(iter(manifest["counts"]))
    manifest["counts"][unit] += 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_swap_packet, "ledger does not prove record 1"),
        (_change_row, "does not match its signed packet"),
        (_change_counts, "counts per management unit"),
    ],
)
def test_the_receiver_refuses_a_batch_signed_over_wrong_contents(
    district, locked, change, message
):
    (batch,) = _queue(district)
    body = _reworked(batch, change)  # signed with the department's own key
    _become_national(district)
    with pytest.raises(BatchInvalidError, match=message):
        inbound.receive_batch(body, at=timezone.now())
    assert NationalRecord.objects.count() == 0


def test_the_receiver_refuses_a_manifest_signed_by_another_key(district, locked):
    (batch,) = _queue(district)
    body = _reworked(batch, lambda body, manifest: None, resign=False)
    _become_national(district)
    with pytest.raises(SignatureError):
        inbound.receive_batch(body, at=timezone.now())


def test_the_receiver_refuses_an_unknown_department(district, locked):
    (batch,) = _queue(district)
    Identity.objects.create(code="national")
    with pytest.raises(UnknownPeerError):
        inbound.receive_batch(bytes(batch.body), at=timezone.now())


def test_the_history_page_shows_the_batches_to_the_departments_staff(
    district, locked, django_user_model
):
    (batch,) = _queue(district)
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "", "x"))
    page = client.get("/exchange/")
    assert page.status_code == 200
    assert batch.batch_id in page.content.decode()
    assert "Đang chờ" in page.content.decode()  # waiting, in Vietnamese


def test_the_history_page_is_refused_to_a_teacher(district, locked):
    client = Client()
    client.force_login(district.user(district.primary.school, "homeroom_teacher"))
    assert client.get("/exchange/").status_code == 403
