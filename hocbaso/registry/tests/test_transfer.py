"""Transfer of a transcript's management between schools (R15, domain.md §7)."""

import pytest

from hocbaso.ledger import Entry, Event
from hocbaso.records.models import Round, Transcript
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock as at
from hocbaso.registry.codes import EventType, RecordCode
from hocbaso.registry.errors import NotAllowedError, TransferError
from hocbaso.registry.models import AuditEvent, LedgerEntry, Submission
from hocbaso.registry.tests.helpers import codes, current, submit


@pytest.fixture
def moving(district):
    """A primary student who moves from the primary school to the other one."""
    record = district.records(district.primary, Round.MAIN)[0]
    return record


@pytest.fixture
def receiving(district):
    return Actor.of_user(district.user(district.other_primary.school))


def _request(district, record, receiving, clock, *, to_school=None, note=None):
    """The receiving school asks for the record's primary transcript (by default a
    move to the other primary school)."""
    return actions.request_transfer(
        student_code=record.transcript.student.student_code,
        level="primary",
        to_school=to_school or district.other_primary.school,
        actor=receiving,
        note=note or "Chuyển theo nơi cư trú",
        clock=clock,
    )


def _entry(index):
    return Entry.from_bytes(bytes(LedgerEntry.objects.get(index=index).data))


def test_request_release_acknowledge_moves_the_management_to_the_new_school(
    district, db, clock, primary_clerk, receiving, moving
):
    transfer = _request(district, moving, receiving, clock)
    actions.release_transfer(
        transfer.public_id, school=moving.school, actor=primary_clerk, clock=clock
    )
    done = actions.acknowledge_transfer(
        transfer.public_id,
        school=district.other_primary.school,
        actor=receiving,
        clock=clock,
    )

    assert done.state == "acknowledged"
    transcript = Transcript.objects.get(pk=moving.transcript_id)
    assert transcript.school == district.other_primary.school
    indexes = [done.request_index, done.release_index, done.acknowledge_index]
    assert [_entry(i).event for i in indexes] == [
        Event.TRANSFER_REQUEST,
        Event.TRANSFER_RELEASE,
        Event.TRANSFER_ACKNOWLEDGE,
    ]
    audited = AuditEvent.objects.filter(object_id=transfer.public_id)
    assert set(audited.values_list("action", flat=True)) == {
        EventType.TRANSFER_REQUEST,
        EventType.TRANSFER_RELEASE,
        EventType.TRANSFER_ACKNOWLEDGE,
    }
    status = actions.transfer_status(transfer.public_id, actor=primary_clerk)
    assert status.pk == transfer.pk


def test_the_signed_records_stay_as_they_are_and_the_new_school_reports_them(
    district, db, clock, primary_clerk, receiving, moving
):
    first = submit(district, moving, primary_clerk, clock).records[0]
    transfer = _request(district, moving, receiving, clock)
    actions.release_transfer(
        transfer.public_id, school=moving.school, actor=primary_clerk, clock=clock
    )
    actions.acknowledge_transfer(
        transfer.public_id,
        school=district.other_primary.school,
        actor=receiving,
        clock=clock,
    )

    kept = Submission.objects.get(public_id=first.submission_id)
    assert kept.state == "accepted" and kept.blob_id == first.packet_sha256
    refused = actions.replace(
        district.replacement[moving.pk],
        school=moving.school,
        actor=primary_clerk,
        reason="Sửa",
        clock=clock,
    )
    assert codes(refused.records[0]) == {RecordCode.NOT_OWN_STUDENT}
    accepted = actions.replace(
        district.replacement[moving.pk],
        school=district.other_primary.school,
        actor=receiving,
        reason="Trường mới báo cáo bản sửa",
        clock=clock,
    )
    assert accepted.records[0].accepted
    assert current(moving).school == district.other_primary.school


def test_steps_out_of_order_or_by_the_wrong_school_are_refused(
    district, db, clock, primary_clerk, receiving, moving
):
    transfer = _request(district, moving, receiving, clock)
    with pytest.raises(TransferError):
        actions.acknowledge_transfer(
            transfer.public_id,
            school=district.other_primary.school,
            actor=receiving,
            clock=clock,
        )
    with pytest.raises(TransferError):
        actions.release_transfer(
            transfer.public_id,
            school=district.other_primary.school,
            actor=receiving,
            clock=clock,
        )
    with pytest.raises(NotAllowedError):
        actions.release_transfer(
            transfer.public_id, school=moving.school, actor=receiving, clock=clock
        )


def test_one_transfer_at_a_time_and_never_to_the_managing_school(
    district, db, clock, primary_clerk, receiving, moving
):
    _request(district, moving, receiving, clock)
    with pytest.raises(TransferError):
        _request(district, moving, receiving, clock)
    with pytest.raises(TransferError) as caught:
        actions.request_transfer(
            student_code=moving.transcript.student.student_code,
            level="primary",
            to_school=moving.school,
            actor=primary_clerk,
            clock=clock,
        )
    assert caught.value.code == "TRANSFER_REFUSED"


def test_a_primary_school_cannot_take_a_lower_secondary_transcript(
    district, db, clock, primary_clerk
):
    record = district.records(district.secondary, Round.MAIN)[0]
    with pytest.raises(TransferError, match="does not teach"):
        actions.request_transfer(
            student_code=record.transcript.student.student_code,
            level="secondary",
            to_school=district.primary.school,
            actor=primary_clerk,
            clock=clock,
        )


def _carry(district, record, secondary_clerk, clock):
    return _request(
        district,
        record,
        secondary_clerk,
        clock,
        to_school=district.secondary.school,
        note="Vào lớp 6",
    )


def test_a_primary_transcript_awaiting_the_lock_is_not_carried(
    district, db, clock, primary_clerk, secondary_clerk, moving
):
    submit(district, moving, primary_clerk, clock)
    with pytest.raises(TransferError, match="not complete: 1 of its records"):
        _carry(district, moving, secondary_clerk, clock)
    assert not AuditEvent.objects.filter(action=EventType.TRANSFER_REQUEST).exists()


def test_a_complete_primary_transcript_is_carried_to_lower_secondary(
    district, db, clock, primary_clerk, secondary_clerk, moving
):
    submit(district, moving, primary_clerk, clock)
    deadline = district.main_deadline()
    actions.lock_round(
        district.year.name, "main", actor=Actor.system("t"), clock=at(deadline)
    )
    (signed,) = Submission.objects.filter(record=moving, state="accepted")
    transfer = _carry(district, moving, secondary_clerk, at(deadline))
    actions.release_transfer(
        transfer.public_id,
        school=moving.school,
        actor=primary_clerk,
        clock=at(deadline),
    )
    done = actions.acknowledge_transfer(
        transfer.public_id,
        school=district.secondary.school,
        actor=secondary_clerk,
        clock=at(deadline),
    )
    transcript = Transcript.objects.get(pk=moving.transcript_id)
    assert (transcript.level, transcript.school) == (
        "primary",
        district.secondary.school,
    )
    # its signed records stay as they are, effective
    (still,) = Submission.objects.filter(record=moving, state="accepted")
    assert (still.pk, still.blob_id, still.locked_at) == (
        signed.pk,
        signed.blob_id,
        deadline,
    )
    indexes = [done.request_index, done.release_index, done.acknowledge_index]
    assert [_entry(i).event for i in indexes] == [
        Event.TRANSFER_REQUEST,
        Event.TRANSFER_RELEASE,
        Event.TRANSFER_ACKNOWLEDGE,
    ]
    audited = AuditEvent.objects.filter(object_id=transfer.public_id)
    assert {a.detail["kind"] for a in audited} == {"carry"}
    assert audited.count() == 3
    # the lower-secondary school reads the primary transcript it now manages
    status = actions.transfer_status(transfer.public_id, actor=secondary_clerk)
    assert status.state == "acknowledged"


def test_a_transfer_within_a_level_is_audited_as_a_transfer(
    district, db, clock, receiving, moving
):
    transfer = _request(district, moving, receiving, clock)
    (audited,) = AuditEvent.objects.filter(object_id=transfer.public_id)
    assert audited.detail["kind"] == "transfer"
