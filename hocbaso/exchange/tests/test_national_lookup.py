"""The national lookup: on the national repository, the portal's page and API find
a transcript in the records the departments sent and show them with their status,
signers and verification, audited without the code.

In one process: the department's batch is received by this installation renamed
``national`` (as in test_batches), then the role is switched to national.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from hocbaso.exchange import inbound, outbox, signed, trust
from hocbaso.exchange.models import Identity, NationalRecord
from hocbaso.ledger import Ed25519NoteSigner
from hocbaso.portal.models import AccessEvent
from hocbaso.registry import actions as registry


@pytest.fixture
def national(district, locked, settings):
    (batch, *more) = outbox.queue_round(district.year.name, "main", at=timezone.now())
    trust.register_peer(
        {
            "code": "01",
            "kind": "department",
            "key": signed.signer().verifier_key().to_string(),
            "ledger_key": registry.ledger_verifier_key(),
            "ca": sorted(
                p
                for p in district.trust_dir.glob("*")
                if not p.name.startswith("peer-")
            ),
        },
        at=timezone.now(),
    )
    Identity.objects.create(code="national")
    for each in (batch, *more):
        inbound.receive_batch(bytes(each.body), at=timezone.now())
    settings.HOCBASO_ROLE = "national"
    record = NationalRecord.objects.order_by("school_year", "grade", "pk").first()
    held = NationalRecord.objects.filter(lookup_code=record.lookup_code)
    return {"code": record.lookup_code, "records": list(held)}


def _lookup(code: str, **extra):
    return Client().post(
        "/api/v1/portal/lookup",
        {"code": code, **extra},
        content_type="application/json",
    )


def test_the_api_answers_from_the_national_records(national):
    answer = _lookup(national["code"], organisation="Bộ GD&ĐT", purpose="tra cứu")
    assert answer.status_code == 200
    body = answer.json()
    shown = {r["packet_sha256"] for r in body["records"]}
    assert shown == {r.packet_sha256 for r in national["records"]}
    assert [r["submission_id"] for r in body["records"]] == [
        f"{r.record_id}-v{r.version}" for r in national["records"]
    ]
    for record in body["records"]:
        assert record["status"] == "effective"
        roles = {s["role"] for s in record["signatures"]}
        assert roles >= {"homeroom_teacher", "leader"}
        assert record["ledger"]["verified"] is True
        assert record["ledger"]["lock_index"] is not None
    first = national["records"][0]
    assert body["student"] == first.row["hovaten"]
    event = AccessEvent.objects.get(action="api")
    assert event.transcript is None  # not a row of the national repository
    assert event.detail["source"] == "national"
    assert event.detail["records"] == [
        f"{r.record_id} v{r.version}" for r in national["records"]
    ]
    assert national["code"] not in str(event.detail)


def test_the_lookup_page_shows_the_records_and_offers_no_soft_copy(national):
    page = Client().post("/", {"code": national["code"]})
    assert page.status_code == 200
    html = page.content.decode()
    for record in national["records"]:
        assert record.packet_sha256 in html
        assert f'id="sub-{record.record_id}-v{record.version}"' in html
    assert 'data-standing="effective"' in html
    assert 'class="status valid ledger-status"' in html
    assert 'id="download-form"' not in html
    download = Client().post("/tai-ban-sao/", {"code": national["code"]})
    assert download.status_code == 404
    assert AccessEvent.objects.filter(action="view", transcript=None).count() == 1


def test_a_record_the_checkpoint_does_not_cover_is_shown_unverified(national):
    record = national["records"][0]
    NationalRecord.objects.filter(pk=record.pk).update(lock_index=10**9)
    body = _lookup(national["code"]).json()
    (shown,) = [
        r for r in body["records"] if r["packet_sha256"] == record.packet_sha256
    ]
    assert shown["ledger"]["verified"] is False
    # answered in Vietnamese: "does not cover the record's lock"
    assert "không bao gồm lần khóa của bản ghi" in shown["ledger"]["problem"]


def test_an_unknown_code_is_not_found_and_audited(national):
    answer = _lookup("0123456789abcdef0123456789abcdef")
    assert answer.status_code == 404
    assert AccessEvent.objects.filter(action="lookup_failed").count() == 1


def test_a_department_answers_from_its_registry(national, settings):
    settings.HOCBASO_ROLE = "department"
    body = _lookup(national["code"]).json()
    held = {f"{r.record_id}-v{r.version}" for r in national["records"]}
    assert body["records"] and not held & {r["submission_id"] for r in body["records"]}
    event = AccessEvent.objects.get(action="api")
    assert event.transcript is not None and event.detail == {}


def test_a_record_claiming_another_ledger_entry_is_shown_unverified(national):
    """A lock index inside the checkpoint is not enough: the stored audit path of
    the real lock entry must lead to the checkpoint's root from that index."""
    record = national["records"][0]
    NationalRecord.objects.filter(pk=record.pk).update(lock_index=0)
    body = _lookup(national["code"]).json()
    (shown,) = [
        r for r in body["records"] if r["packet_sha256"] == record.packet_sha256
    ]
    assert shown["ledger"]["verified"] is False


def test_a_ledger_key_rotation_keeps_earlier_proofs_verified(national):
    later = timezone.now() + dt.timedelta(days=1)
    trust.register_peer(
        {
            "code": "01",
            "kind": "department",
            "key": "unused",
            "ledger_key": Ed25519NoteSigner.generate("rotated")
            .verifier_key()
            .to_string(),
        },
        at=later,
    )
    body = _lookup(national["code"]).json()
    assert body["records"]
    assert all(r["ledger"]["verified"] for r in body["records"])
