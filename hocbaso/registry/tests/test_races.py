"""Races, played step by step so they run on SQLite too (docs/registry.md).

On PostgreSQL the same races run for real with threads (tests_postgres/). Here a
verifier stands in for the slow part of a submission and lets something else happen
while it "verifies": the registry must re-check under its lock what verification
could not see, and never store half of anything.
"""

from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.codes import RecordCode
from hocbaso.registry.entries import lock_listing, sha256_hex
from hocbaso.registry.models import RecordResult, SchoolRoundLock, Submission
from hocbaso.registry.package import build_package
from hocbaso.registry.tests.helpers import codes, ledger_size, submit
from hocbaso.registry.verification import InProcessVerifier


class MeanwhileVerifier(InProcessVerifier):
    """Verifies, then runs ``meanwhile`` before the registry stores anything."""

    def __init__(self, meanwhile):
        super().__init__()
        self.meanwhile = meanwhile

    def verify(self, packets, at):
        results = super().verify(packets, at)
        self.meanwhile()
        return results


def test_a_lock_that_lands_during_verification_wins_and_nothing_is_half_written(
    district, db, clock, primary_clerk, system
):
    records = district.records(district.primary, Round.MAIN)
    submit(district, records[0], primary_clerk, clock)
    package = build_package(
        [district.packet(r) for r in records[1:]],
        school_code=district.primary.school.code,
        school_year=district.year.name,
    )

    def lock():
        actions.lock_round(
            district.year, "main", scope=records[0].school, actor=system, clock=clock
        )

    view = actions.submit(
        package,
        school=records[0].school,
        actor=primary_clerk,
        clock=clock,
        verifier=MeanwhileVerifier(lock),
    )

    assert [codes(r) for r in view.records] == [{RecordCode.ROUND_LOCKED}] * 2
    assert not Submission.objects.filter(record__in=records[1:]).exists()
    row = SchoolRoundLock.objects.get(school=records[0].school)
    locked = Submission.objects.filter(lock=row).values_list("public_id", "blob_id")
    assert row.digest == sha256_hex(lock_listing(locked)) and len(locked) == 1
    assert actions.verify_ledger().ok


def test_a_replacement_racing_a_revocation_finds_nothing_left_to_replace(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    first = submit(district, record, primary_clerk, clock).records[0]

    def revoke():
        actions.revoke(
            first.submission_id,
            school=record.school,
            actor=primary_clerk,
            reason="Thu hồi",
            clock=clock,
        )

    view = actions.replace(
        district.replacement[record.pk],
        school=record.school,
        actor=primary_clerk,
        reason="Sửa",
        clock=clock,
        verifier=MeanwhileVerifier(revoke),
    )

    assert codes(view.records[0]) == {RecordCode.NOTHING_TO_REPLACE}
    assert actions.verify_ledger().ok


def test_a_receipt_answered_by_two_workers_is_answered_once(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    receipt = submit(district, record, primary_clerk, clock, process=False)

    def other_worker():
        actions.process_receipt(receipt.receipt_id, clock=clock)

    answer = actions.process_receipt(
        receipt.receipt_id, clock=clock, verifier=MeanwhileVerifier(other_worker)
    )

    assert answer.records[0].accepted
    assert RecordResult.objects.count() == 1
    assert Submission.objects.count() == 1 and ledger_size() == 1


def test_the_same_packet_sent_twice_at_once_is_stored_once(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    package = build_package(
        [district.packet(record)],
        school_code=record.school.code,
        school_year=district.year.name,
    )

    def same_packet_alone():
        submit(district, record, primary_clerk, clock)

    view = actions.submit(
        package,
        school=record.school,
        actor=primary_clerk,
        clock=clock,
        verifier=MeanwhileVerifier(same_packet_alone),
    )

    assert view.records[0].accepted and view.records[0].duplicate
    assert Submission.objects.filter(record=record).count() == 1
