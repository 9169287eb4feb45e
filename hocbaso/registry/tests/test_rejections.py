"""A rejected record gets every reason at once and leaves nothing behind."""

import datetime as dt

import pytest

from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.codes import ReceiptCode, RecordCode
from hocbaso.registry.errors import NotAllowedError
from hocbaso.registry.models import AuditEvent, Blob, Submission
from hocbaso.registry.package import build_package
from hocbaso.registry.tests.conftest import at
from hocbaso.registry.tests.helpers import codes, ledger_size, submit, tamper


def _nothing_stored(record, size_before):
    assert not Submission.objects.filter(record=record).exists()
    assert ledger_size() == size_before
    assert not AuditEvent.objects.filter(action__startswith="record:").exists()


def test_a_packet_changed_after_signing_is_rejected_for_its_signatures(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    size = ledger_size()

    view = submit(
        district, record, primary_clerk, clock, data=tamper(district.packet(record))
    )

    (outcome,) = view.records
    assert not outcome.accepted
    assert codes(outcome) == {RecordCode.SIGNATURE_INVALID}
    assert any("changed after signing" in p.message for p in outcome.problems)
    _nothing_stored(record, size)


def test_a_school_cannot_submit_another_schools_student(
    district, db, clock, other_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    size = ledger_size()

    view = submit(
        district, record, other_clerk, clock, school=district.other_primary.school
    )

    assert codes(view.records[0]) == {RecordCode.NOT_OWN_STUDENT}
    _nothing_stored(record, size)


def test_a_grade_outside_the_pilot_is_rejected(
    district, db, clock, primary_clerk, settings
):
    settings.HOCBASO_PILOT_GRADES = frozenset({1, 2, 3, 6, 7, 8})
    record = district.records(district.primary, Round.MAIN)[0]

    view = submit(district, record, primary_clerk, clock)

    assert codes(view.records[0]) == {RecordCode.GRADE_NOT_IN_PILOT}


def test_a_record_is_rejected_once_its_rounds_deadline_has_passed(
    district, db, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    size = ledger_size()

    view = submit(district, record, primary_clerk, at(district.main_deadline()))

    assert codes(view.records[0]) == {RecordCode.DEADLINE_PASSED}
    _nothing_stored(record, size)


def test_the_supplementary_round_stays_open_after_the_main_deadline(
    district, db, primary_clerk
):
    (record,) = district.records(district.primary, Round.SUPPLEMENTARY)
    late = at(district.main_deadline() + dt.timedelta(days=10))

    view = submit(district, record, primary_clerk, late)

    assert view.records[0].accepted, view.records[0].problems


def test_a_record_of_a_locked_round_is_rejected(
    district, db, clock, primary_clerk, system
):
    records = district.records(district.primary, Round.MAIN)
    actions.lock_round(
        district.year, "main", scope=district.primary.school, actor=system, clock=clock
    )

    view = submit(district, records[0], primary_clerk, clock)

    assert codes(view.records[0]) == {RecordCode.ROUND_LOCKED}


def test_every_reason_is_given_at_once(district, db, other_clerk, settings):
    settings.HOCBASO_PILOT_GRADES = frozenset({1, 2, 3})
    record = district.records(district.primary, Round.MAIN)[0]
    late = at(district.main_deadline() + dt.timedelta(hours=1))

    view = submit(
        district,
        record,
        other_clerk,
        late,
        data=tamper(district.packet(record)),
        school=district.other_primary.school,
    )

    assert codes(view.records[0]) == {
        RecordCode.SIGNATURE_INVALID,
        RecordCode.NOT_OWN_STUDENT,
        RecordCode.GRADE_NOT_IN_PILOT,
        RecordCode.DEADLINE_PASSED,
    }


def test_malformed_xml_is_refused_at_the_receipt(district, db, clock, primary_clerk):
    view = actions.submit(
        b"<HOC_BA><unclosed>",
        school=district.primary.school,
        actor=primary_clerk,
        clock=clock,
    )

    assert view.status == "refused" and view.records == ()
    assert [e.code for e in view.errors] == [ReceiptCode.MALFORMED_XML]
    assert Blob.objects.filter(pk=view.sha256).exists()  # kept as received


def test_a_document_that_is_no_packet_is_refused(district, db, clock, primary_clerk):
    view = actions.submit(
        b"<?xml version='1.0'?><invoice/>",
        school=district.primary.school,
        actor=primary_clerk,
        clock=clock,
    )

    assert [e.code for e in view.errors] == [ReceiptCode.UNKNOWN_DOCUMENT]


def test_a_packet_that_breaks_its_schema_is_rejected(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    broken = district.packet(record).replace(
        b"<makhoi>4</makhoi>", b"<makhoi>x</makhoi>"
    )

    view = submit(district, record, primary_clerk, clock, data=broken)

    assert view.status == "processed"
    assert codes(view.records[0]) == {RecordCode.PACKET_SCHEMA}


def test_signatures_from_an_unknown_ca_cannot_be_accepted(
    district, db, clock, primary_clerk, settings, tmp_path
):
    settings.HOCBASO_TRUST_STORE = tmp_path  # an empty trust store
    record = district.records(district.primary, Round.MAIN)[0]

    view = submit(district, record, primary_clerk, clock)

    assert RecordCode.SIGNATURE_INDETERMINATE in codes(view.records[0])
    assert not view.records[0].accepted


def test_a_package_of_another_school_is_refused_whole(district, db, clock, other_clerk):
    record = district.records(district.primary, Round.MAIN)[0]
    package = build_package(
        [district.packet(record)],
        school_code=district.primary.school.code,
        school_year=district.year.name,
    )

    view = actions.submit(
        package, school=district.other_primary.school, actor=other_clerk, clock=clock
    )

    assert [e.code for e in view.errors] == [ReceiptCode.PACKAGE_SCHOOL_MISMATCH]


def test_a_package_whose_record_does_not_match_its_digest_is_refused(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    package = build_package(
        [district.packet(record)],
        school_code=district.primary.school.code,
        school_year=district.year.name,
    )
    sha = package.split(b'sha256="')[1][:64]
    package = package.replace(sha, b"0" * 64)

    view = actions.submit(
        package, school=district.primary.school, actor=primary_clerk, clock=clock
    )

    assert [e.code for e in view.errors] == [ReceiptCode.PACKAGE_DIGEST_MISMATCH]


def test_the_same_record_twice_in_a_package_is_rejected_the_second_time(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    package = build_package(
        [district.packet(record), district.replacement[record.pk]],
        school_code=district.primary.school.code,
        school_year=district.year.name,
    )

    view = actions.submit(
        package, school=district.primary.school, actor=primary_clerk, clock=clock
    )

    assert view.records[0].accepted
    assert codes(view.records[1]) == {RecordCode.DUPLICATE_IN_PACKAGE}


def test_staff_of_another_school_cannot_submit_in_its_name(district, db, clock):
    record = district.records(district.primary, Round.MAIN)[0]
    outsider = Actor.of_user(district.user(district.other_primary.school))

    with pytest.raises(NotAllowedError) as caught:
        submit(district, record, outsider, clock)
    assert caught.value.code == "NOT_ALLOWED"


def test_a_teacher_cannot_submit_for_the_school(district, db, clock):
    record = district.records(district.primary, Round.MAIN)[0]
    teacher = Actor.of_user(district.user(record.school, "homeroom_teacher"))

    with pytest.raises(NotAllowedError):
        submit(district, record, teacher, clock)
