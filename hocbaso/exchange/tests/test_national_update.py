"""A record corrected after the lock reaches the national repository as an UPDATE
(docs/exchange.md, "Corrections after the lock"): the superseding version with its
decision, proven by the department's own ledger; a replayed or out-of-order update
and an update the ledger does not prove are refused, and nothing is stored.

In one process, with real signed batches (as test_national_trust): the department
queues, corrects a locked record by the procedure, queues again, then the
installation turns national and receives.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone, translation

from hocbaso.exchange import inbound, lookup, outbox
from hocbaso.exchange.errors import ExchangeError
from hocbaso.exchange.models import InboundBatch, NationalRecord
from hocbaso.exchange.tests.test_batches import _become_national
from hocbaso.exchange.tests.test_national_trust import _DEPARTMENT, _reworked
from hocbaso.records.models import Appointment, RecordStatus, Role, Round, YearlyRecord
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.holding_values import Standing
from hocbaso.registry.models import Submission
from hocbaso.registry.tests.district import _sign_class

NUMBER = "125/QĐ-SGDĐT"
NEW_NAME = "Nguyễn Thị Đổi Tên"


@pytest.fixture
def batches(district, locked):
    """The round's first batch, then a record corrected after the lock and the
    batch that carries its update; the department's exchange key kept."""
    from hocbaso.exchange import signed

    _DEPARTMENT[:] = [signed.signer()]
    (first,) = _queue(district)
    submission = _correct(district)
    (update,) = _queue(district)
    return {"first": first, "update": update, "submission": submission}


def _queue(district):
    return outbox.queue_round(district.year.name, "main", at=timezone.now())


def _correct(district) -> Submission:
    """Correct one locked record by the procedure: request, decision, new version
    signed and sealed, issued; answer the locked submission it supersedes."""
    record = district.records(district.primary, Round.MAIN)[1]
    locked = Submission.objects.get(record=record)
    later = fixed_clock(district.main_deadline() + dt.timedelta(days=1))
    clerk = Actor.of_user(district.user(record.school))
    correction = actions.request_correction(
        locked.public_id,
        school=record.school,
        actor=clerk,
        reason="Sai họ tên theo giấy khai sinh.",
        evidence=b"%PDF-1.7 quyet dinh",
        evidence_name="quyet-dinh.pdf",
        identity={"full_name": NEW_NAME},
        clock=later,
    )
    officer = Appointment.objects.filter(
        role=Role.DEPARTMENT_OFFICER, school_year=district.year
    ).first()
    correction = actions.decide_correction(
        correction.public_id,
        actor=Actor.of_user(officer.person.user),
        approve=True,
        number=NUMBER,
        date=later().date(),
        signer="Giám đốc Sở",
        clock=later,
    )
    version = correction.version
    YearlyRecord.objects.filter(pk=version.pk).update(status=RecordStatus.FINALISED)
    signed_at, district.signed_at = district.signed_at, later()
    try:
        _sign_class(district, version.school_class)
    finally:
        district.signed_at = signed_at
    version.refresh_from_db()
    actions.issue_correction(
        correction.public_id,
        bytes(version.packet.data),
        school=record.school,
        actor=clerk,
        clock=fixed_clock(later() + dt.timedelta(hours=1)),
    )
    return locked


def _receive(body: bytes):
    return inbound.receive_batch(body, at=timezone.now())


def _refused(body: bytes, code: str) -> ExchangeError:
    held = NationalRecord.objects.count(), InboundBatch.objects.count()
    with pytest.raises(ExchangeError) as caught, translation.override("vi"):
        _receive(body)
    assert caught.value.code == code, str(caught.value)
    assert (NationalRecord.objects.count(), InboundBatch.objects.count()) == held
    return caught.value


def _manifest(batch) -> dict:
    return json.loads(json.loads(bytes(batch.body))["manifest"].split("\n", 1)[0])


def test_the_correction_leaves_as_an_update_with_its_decision(district, batches):
    (listed,) = _manifest(batches["update"])["records"]
    assert (listed["sukien"], listed["phienban"], listed["lock_index"]) == (
        "UPDATE",
        2,
        None,
    )
    correction = listed["correction"]
    assert correction["number"] == NUMBER and correction["signer"] == "Giám đốc Sở"
    assert correction["decision"]["index"] < listed["submission"]["index"]
    assert _queue(district) == []  # nothing new to send


def test_the_national_side_holds_the_current_and_the_superseded_version(
    district, batches
):
    _become_national(district)
    _receive(bytes(batches["first"].body))
    _receive(bytes(batches["update"].body))
    current = NationalRecord.objects.get(is_current=True, version=2)
    old = NationalRecord.objects.get(record_id=current.record_id, version=1)
    assert not old.is_current and old.decision == {}
    assert current.decision["number"] == NUMBER and current.lock_index is None
    assert current.packet_sha256 != old.packet_sha256
    holding = lookup.national_holding(current.lookup_code)
    (page,) = [p for p in holding.pages if p.school_year == current.school_year]
    assert page.snapshot.student.full_name == NEW_NAME
    assert page.proof.verified, page.proof.failure
    (earlier,) = holding.earlier
    assert earlier.standing is Standing.SUPERSEDED
    assert earlier.decision_number == NUMBER
    assert earlier.replaced_by == f"{current.record_id}-v2"
    with translation.override("vi"):
        assert NUMBER in earlier.status_text and "thay bằng" in earlier.status_text


def test_an_update_before_its_first_version_is_refused_then_taken(district, batches):
    _become_national(district)
    error = _refused(bytes(batches["update"].body), "VERSION_OUT_OF_ORDER")
    assert "phiên bản 2" in str(error) and "phiên bản 1" in str(error)
    _receive(bytes(batches["first"].body))
    _receive(bytes(batches["update"].body))  # the next delivery
    assert NationalRecord.objects.filter(version=2, is_current=True).count() == 1


def _new_id(suffix):
    def change(body, manifest):
        manifest["batch"] = "bat-" + suffix * 10

    return change


def _as_version(version):
    def change(body, manifest):
        _new_id("ef")(body, manifest)
        row = body["records"][0]["row"]
        row["phienban"] = manifest["records"][0]["phienban"] = version
        from hocbaso.exchange import signed

        manifest["records"][0]["row_sha256"] = signed.sha256_hex(signed.canonical(row))

    return change


def test_a_replayed_version_is_refused(district, batches):
    _become_national(district)
    _receive(bytes(batches["first"].body))
    _receive(bytes(batches["update"].body))
    # the first version again, in a new batch, after the update superseded it
    error = _refused(_reworked(batches["first"], _new_id("cd")), "VERSION_REPLAYED")
    assert "phát lại" in str(error)
    # the update again as a version 3 that changes nothing
    _refused(_reworked(batches["update"], _as_version(3)), "VERSION_REPLAYED")
    assert NationalRecord.objects.get(is_current=True, version=2)


def _decision(change_it):
    def change(body, manifest):
        change_it(manifest["records"][0]["correction"], manifest)

    return change


def _request_entry_as_decision(correction, manifest):
    """The correction's request entry (the index before the decision) offered as
    its decision: the entry is real and included, but it approves nothing."""
    from hocbaso.registry.models import Correction

    row = Correction.objects.get(public_id=correction["id"])
    from hocbaso.exchange import evidence, signed

    size = evidence.checkpoint_size(manifest["checkpoint"])
    index = row.request_ledger_index
    correction["decision"] = {
        "index": index,
        "entry": evidence._entry_text(index),
        "proof": evidence._path(index, size),
    }
    assert signed  # the manifest is re-signed by _reworked


def _without_correction(correction, manifest):
    """The corrected packet passed off as locked by the round's real lock (its
    evidence complete and included): the lock lists the original packet only."""
    from hocbaso.exchange import evidence
    from hocbaso.registry.models import SchoolRoundLock

    lock = SchoolRoundLock.objects.exclude(ledger_index=None).first()
    size = evidence.checkpoint_size(manifest["checkpoint"])
    manifest["locks"] = {str(lock.ledger_index): evidence.lock_evidence(lock, size)}
    record = manifest["records"][0]
    del record["correction"]
    record["lock_index"] = lock.ledger_index


@pytest.mark.parametrize(
    ("lie", "code"),
    [
        (_decision(_request_entry_as_decision), "LEDGER_PROOF_INVALID"),
        (
            _decision(lambda c, m: c.update(id="cor-" + "0" * 20)),
            "LEDGER_PROOF_INVALID",
        ),
        (_decision(_without_correction), "LEDGER_PROOF_INVALID"),
        (_decision(lambda c, m: c.update(date="2999-01-01")), "BATCH_INVALID"),
        (_decision(lambda c, m: c.update(number=" ")), "BATCH_INVALID"),
        (_decision(lambda c, m: c.update(signer="x" * 151)), "BATCH_INVALID"),
    ],
)
def test_an_update_the_ledger_does_not_prove_corrected_is_refused(
    district, batches, lie, code
):
    _become_national(district)
    _receive(bytes(batches["first"].body))
    _refused(_reworked(batches["update"], lie), code)
    assert NationalRecord.objects.filter(version=2).count() == 0


def test_a_correction_cannot_arrive_as_a_first_version(district, batches):
    def as_new(body, manifest):
        row = body["records"][0]["row"]
        row["sukien"] = manifest["records"][0]["sukien"] = "NEW"
        _as_version(1)(body, manifest)

    _become_national(district)
    _refused(_reworked(batches["update"], as_new), "VERSION_NOT_PROVEN")
