"""The registry reads a signed packet exactly as it was signed, or refuses it.

C14N without comments drops a comment, so a packet whose name is split by one keeps
every signature valid while lxml's .text stops at the comment: it would have been
stored and published under a shortened name. Refused at the receipt for a single
packet, per record inside a class package, and nothing is stored either way."""

import re

from django.utils import translation

from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.codes import ReceiptCode, RecordCode
from hocbaso.registry.models import Submission
from hocbaso.registry.package import build_package
from hocbaso.registry.tests.helpers import codes, ledger_size, submit


def _comment_in_name(packet: bytes) -> bytes:
    """The student's name split by an empty comment before its last word."""
    match = re.search(rb"<hovaten>([^<]*) ([^< ]+)</hovaten>", packet)
    assert match is not None
    return packet[: match.end(1)] + b"<!-- -->" + packet[match.end(1) :]


def test_a_packet_with_a_comment_in_a_signed_value_is_refused_at_the_receipt(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    size = ledger_size()

    with translation.override("vi"):
        view = submit(
            district,
            record,
            primary_clerk,
            clock,
            data=_comment_in_name(district.packet(record)),
        )

    assert view.status == "refused" and view.records == ()
    assert [e.code for e in view.errors] == [ReceiptCode.MALFORMED_XML]
    assert "chú thích XML" in view.errors[0].message
    assert not Submission.objects.filter(record=record).exists()
    assert ledger_size() == size


def test_a_packet_with_a_comment_in_a_package_is_rejected_for_its_schema(
    district, db, clock, primary_clerk
):
    first, second = district.records(district.primary, Round.MAIN)[:2]
    package = build_package(
        [_comment_in_name(district.packet(first)), district.packet(second)],
        school_code=district.primary.school.code,
        school_year=district.year.name,
    )

    with translation.override("vi"):
        view = actions.submit(
            package, school=district.primary.school, actor=primary_clerk, clock=clock
        )

    rejected, accepted = view.records
    assert codes(rejected) == {RecordCode.PACKET_SCHEMA}
    assert any("chú thích XML" in p.message for p in rejected.problems)
    assert not Submission.objects.filter(record=first).exists()
    assert accepted.accepted
