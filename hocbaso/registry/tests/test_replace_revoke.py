"""Revocation and replacement, only before the lock (R12, R19, domain.md §7)."""

import datetime as dt

import pytest

from hocbaso.ledger import Entry, Event
from hocbaso.records.models import RecordStatus, Round
from hocbaso.registry import actions
from hocbaso.registry.codes import RecordCode
from hocbaso.registry.errors import (
    DeadlinePassedError,
    NotFoundError,
    ReasonRequiredError,
    RoundLockedError,
    SubmissionStateError,
)
from hocbaso.registry.models import LedgerEntry, Submission
from hocbaso.registry.tests.conftest import at
from hocbaso.registry.tests.helpers import codes, current, submit


def _entry(index: int) -> Entry:
    return Entry.from_bytes(bytes(LedgerEntry.objects.get(index=index).data))


@pytest.fixture
def submitted(district, clock, primary_clerk):
    record = district.records(district.primary, Round.MAIN)[0]
    view = submit(district, record, primary_clerk, clock)
    return record, view.records[0].submission_id


def test_a_replacement_supersedes_the_current_submission_and_both_are_kept(
    district, db, clock, primary_clerk, submitted
):
    record, first_id = submitted
    new_packet = district.replacement[record.pk]

    view = actions.replace(
        new_packet,
        school=record.school,
        actor=primary_clerk,
        reason="Sửa nhận xét của giáo viên chủ nhiệm",
        clock=clock,
    )

    assert view.records[0].accepted, view.records[0].problems
    new = current(record)
    old = Submission.objects.get(public_id=first_id)
    assert old.state == Submission.State.SUPERSEDED
    assert new.supersedes == old and new.reason.startswith("Sửa nhận xét")
    entry = _entry(new.ledger_index)
    assert entry.event is Event.RECORD_REPLACE
    assert entry.previous == bytes.fromhex(old.blob_id)
    view_old = actions.submission_status(first_id, actor=primary_clerk)
    assert view_old.replaced_by == new.public_id


def test_a_replacement_needs_a_reason(district, db, clock, primary_clerk, submitted):
    record, _ = submitted
    with pytest.raises(ReasonRequiredError) as caught:
        actions.replace(
            district.replacement[record.pk],
            school=record.school,
            actor=primary_clerk,
            reason="  ",
            clock=clock,
        )
    assert caught.value.code == "REASON_REQUIRED"


def test_there_is_nothing_to_replace_before_a_first_submission(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]

    view = actions.replace(
        district.replacement[record.pk],
        school=record.school,
        actor=primary_clerk,
        reason="Sửa lỗi",
        clock=clock,
    )

    assert codes(view.records[0]) == {RecordCode.NOTHING_TO_REPLACE}


def test_a_revocation_withdraws_the_current_submission_and_keeps_it(
    district, db, clock, primary_clerk, submitted
):
    record, submission_id = submitted

    view = actions.revoke(
        submission_id,
        school=record.school,
        actor=primary_clerk,
        reason="Nộp nhầm học bạ",
        clock=clock,
    )

    assert (view.state, view.withdraw_reason) == ("revoked", "Nộp nhầm học bạ")
    assert view.withdrawn_at == district.open_at
    assert current(record) is None
    assert Submission.objects.filter(record=record).count() == 1
    entry = _entry(view.withdraw_ledger_index)
    assert entry.event is Event.RECORD_REVOKE and entry.reference == submission_id
    record.refresh_from_db()
    assert record.status == RecordStatus.ISSUED


def test_a_revocation_needs_a_reason(district, db, clock, primary_clerk, submitted):
    record, submission_id = submitted
    with pytest.raises(ReasonRequiredError):
        actions.revoke(
            submission_id,
            school=record.school,
            actor=primary_clerk,
            reason="",
            clock=clock,
        )


def test_a_revoked_packet_cannot_come_back_but_a_newly_signed_one_can(
    district, db, clock, primary_clerk, submitted
):
    record, submission_id = submitted
    actions.revoke(
        submission_id,
        school=record.school,
        actor=primary_clerk,
        reason="Nhầm",
        clock=clock,
    )

    again = submit(district, record, primary_clerk, clock)
    fresh = submit(
        district, record, primary_clerk, clock, data=district.replacement[record.pk]
    )

    assert codes(again.records[0]) == {RecordCode.PACKET_WITHDRAWN}
    assert fresh.records[0].accepted


def test_a_revoked_submission_cannot_be_revoked_twice(
    district, db, clock, primary_clerk, submitted
):
    record, submission_id = submitted
    actions.revoke(
        submission_id,
        school=record.school,
        actor=primary_clerk,
        reason="Nhầm",
        clock=clock,
    )
    with pytest.raises(SubmissionStateError):
        actions.revoke(
            submission_id,
            school=record.school,
            actor=primary_clerk,
            reason="Nhầm",
            clock=clock,
        )


def test_another_school_cannot_revoke_a_submission(
    district, db, clock, other_clerk, submitted
):
    _, submission_id = submitted
    with pytest.raises(NotFoundError):
        actions.revoke(
            submission_id,
            school=district.other_primary.school,
            actor=other_clerk,
            reason="Không phải của trường",
            clock=clock,
        )


def test_after_the_lock_revocation_is_refused(
    district, db, clock, primary_clerk, system, submitted
):
    record, submission_id = submitted
    actions.lock_round(district.year, "main", actor=system, clock=clock)

    with pytest.raises(RoundLockedError) as caught:
        actions.revoke(
            submission_id,
            school=record.school,
            actor=primary_clerk,
            reason="Muộn",
            clock=clock,
        )
    assert caught.value.code == "ROUND_LOCKED"
    assert current(record).public_id == submission_id


def test_after_the_lock_a_replacement_is_rejected(
    district, db, clock, primary_clerk, system, submitted
):
    record, submission_id = submitted
    actions.lock_round(district.year, "main", actor=system, clock=clock)

    view = actions.replace(
        district.replacement[record.pk],
        school=record.school,
        actor=primary_clerk,
        reason="Muộn",
        clock=clock,
    )

    assert codes(view.records[0]) == {RecordCode.ROUND_LOCKED}
    assert current(record).public_id == submission_id


def test_after_the_deadline_revocation_is_refused(
    district, db, primary_clerk, submitted
):
    record, submission_id = submitted
    late = at(district.main_deadline() + dt.timedelta(seconds=1))
    with pytest.raises(DeadlinePassedError):
        actions.revoke(
            submission_id,
            school=record.school,
            actor=primary_clerk,
            reason="Muộn",
            clock=late,
        )
