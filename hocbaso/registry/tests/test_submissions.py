"""Submitting signed packets and class packages (domain.md §6.2, §7)."""

from hocbaso.packet import parse_packet
from hocbaso.records.models import RecordStatus, Round
from hocbaso.registry import actions
from hocbaso.registry.codes import EventType, RecordCode
from hocbaso.registry.models import AuditEvent, Receipt, Submission
from hocbaso.registry.package import build_package
from hocbaso.registry.tests.helpers import codes, current, ledger_size, submit, tamper


def test_it_accepts_a_signed_packet_as_the_records_current_submission(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    before = ledger_size()

    view = submit(district, record, primary_clerk, clock)

    assert (view.status, view.kind, view.errors) == ("processed", "packet", ())
    (outcome,) = view.records
    assert outcome.accepted and outcome.problems == () and not outcome.duplicate
    submission = current(record)
    assert submission.public_id == outcome.submission_id
    assert (submission.accepted_at, submission.locked_at) == (district.open_at, None)
    assert submission.ledger_index == before and ledger_size() == before + 1
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED
    assert AuditEvent.objects.filter(
        action=EventType.RECORD_SUBMIT, object_id=submission.public_id
    ).exists()


def test_the_packet_is_kept_as_received_and_shown_parsed_from_those_bytes(
    district, db, clock, primary_clerk, system
):
    record = district.records(district.primary, Round.MAIN)[1]
    packet = district.packet(record)
    view = submit(district, record, primary_clerk, clock)
    submission_id = view.records[0].submission_id

    assert actions.submission_packet(submission_id, actor=system) == packet
    shown = actions.submission_snapshot(submission_id, actor=primary_clerk)
    assert shown == parse_packet(packet)
    status = actions.submission_status(submission_id, actor=primary_clerk)
    assert (status.state, status.grade, status.round) == ("accepted", 4, "main")
    assert status.school_year == district.year.name


def test_a_class_package_is_received_then_answered_record_by_record(
    district, db, clock, primary_clerk
):
    records = district.records(district.primary, Round.MAIN)
    packets = [district.packet(r) for r in records]
    packets[1] = tamper(packets[1])
    package = build_package(
        packets,
        school_code=district.primary.school.code,
        school_year=district.year.name,
        class_name=district.primary.name,
    )

    view = actions.submit(
        package, school=district.primary.school, actor=primary_clerk, clock=clock
    )

    assert (view.kind, view.status) == ("package", "processed")
    assert [r.accepted for r in view.records] == [True, False, True]
    assert RecordCode.SIGNATURE_INVALID in codes(view.records[1])
    assert current(records[1]) is None
    assert current(records[0]) and current(records[2])


def test_the_receipt_comes_first_and_the_results_can_be_polled(
    district, db, clock, primary_clerk, system
):
    record = district.records(district.primary, Round.MAIN)[0]

    receipt = submit(district, record, primary_clerk, clock, process=False)

    assert (receipt.status, receipt.records) == ("received", ())
    assert current(record) is None
    polled = actions.receipt_status(receipt.receipt_id, actor=primary_clerk)
    assert polled.status == "received"
    answered = actions.process_receipt(receipt.receipt_id, clock=clock)
    assert answered.status == "processed" and answered.records[0].accepted
    polled = actions.receipt_status(receipt.receipt_id, actor=primary_clerk)
    assert polled == answered


def test_submitting_the_same_bytes_twice_is_idempotent(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    first = submit(district, record, primary_clerk, clock)
    size = ledger_size()

    again = submit(district, record, primary_clerk, clock)

    assert again == first
    assert Receipt.objects.count() == 1
    assert Submission.objects.filter(record=record).count() == 1
    assert ledger_size() == size


def test_the_same_packet_in_a_new_package_is_accepted_again_with_nothing_stored(
    district, db, clock, primary_clerk
):
    records = district.records(district.primary, Round.MAIN)
    submit(district, records[0], primary_clerk, clock)
    size = ledger_size()
    package = build_package(
        [district.packet(r) for r in records[:2]],
        school_code=district.primary.school.code,
        school_year=district.year.name,
    )

    view = actions.submit(
        package, school=district.primary.school, actor=primary_clerk, clock=clock
    )

    assert [(r.accepted, r.duplicate) for r in view.records] == [
        (True, True),
        (True, False),
    ]
    assert Submission.objects.filter(record=records[0]).count() == 1
    assert ledger_size() == size + 1


def test_a_second_packet_of_a_submitted_record_must_come_as_a_replacement(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    submit(district, record, primary_clerk, clock)

    view = submit(
        district, record, primary_clerk, clock, data=district.replacement[record.pk]
    )

    assert codes(view.records[0]) == {RecordCode.ALREADY_SUBMITTED}


def test_a_lower_secondary_record_signed_by_its_subject_teachers_is_accepted(
    district, db, clock, secondary_clerk
):
    record = district.records(district.secondary)[0]

    view = submit(district, record, secondary_clerk, clock)

    assert view.records[0].accepted, view.records[0].problems


def test_a_school_token_submits_for_its_own_school(district, db, clock):
    from hocbaso.registry.actors import Actor

    record = district.records(district.primary, Round.MAIN)[0]
    token = Actor.of_school_token(district.primary.school, "phan-mem-truong")

    view = submit(district, record, token, clock)

    assert view.records[0].accepted
    assert Receipt.objects.get().actor_label.startswith("token:")


def test_a_packages_queries_do_not_grow_with_its_records(
    district, db, clock, primary_clerk, other_clerk
):
    """Everything read per record comes in the package's few queries (no field
    left out of them is read record by record)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The ledger's first entry creates its head: done before counting.
    first = district.records(district.other_primary, Round.MAIN)[0]
    assert submit(district, first, other_clerk, clock).records[0].accepted
    records = district.records(district.primary, Round.MAIN)
    assert len(records) >= 3
    counts = []
    for chosen in (records[:1], records[1:3]):
        package = build_package(
            [district.packet(r) for r in chosen],
            school_code=district.primary.school.code,
            school_year=district.year.name,
        )
        with CaptureQueriesContext(connection) as queries:
            view = actions.submit(
                package,
                school=district.primary.school,
                actor=primary_clerk,
                clock=clock,
            )
        assert all(r.accepted for r in view.records)
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
