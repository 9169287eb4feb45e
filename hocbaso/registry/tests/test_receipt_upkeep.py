"""What a receipt leaves behind: of a refused body only its first bytes, and no
receipt stays "received" for good after a crash (``hocbaso registry recover``).
"""

import datetime as dt
import hashlib
import io

from django.core.management import call_command

from hocbaso.records.models import Round
from hocbaso.registry import actions
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.codes import ReceiptCode
from hocbaso.registry.models import Blob, Receipt, Submission
from hocbaso.registry.package import build_package
from hocbaso.registry.processing import recover_receipts
from hocbaso.registry.receiving import REFUSED_KEPT_BYTES
from hocbaso.registry.tests.helpers import submit
from hocbaso.registry.verification import InProcessVerifier

JUNK = b"\x00junk" * 200_000  # a megabyte that is not XML


def test_of_a_refused_body_only_its_first_bytes_are_kept(
    district, db, clock, primary_clerk
):
    view = actions.submit(
        JUNK, school=district.primary.school, actor=primary_clerk, clock=clock
    )

    assert view.status == "refused"
    assert [e.code for e in view.errors] == [ReceiptCode.MALFORMED_XML]
    assert view.sha256 == hashlib.sha256(JUNK).hexdigest()
    kept = Blob.objects.get(pk=Receipt.objects.get().blob_id)
    assert bytes(kept.data) == JUNK[:REFUSED_KEPT_BYTES] and kept.size == 4096
    assert not Blob.objects.filter(pk=view.sha256).exists()
    assert Receipt.objects.get().errors[0]["size"] == len(JUNK)


def test_the_same_refused_body_gets_the_same_receipt(
    district, db, clock, primary_clerk
):
    school = district.primary.school
    first = actions.submit(JUNK, school=school, actor=primary_clerk, clock=clock)
    again = actions.submit(JUNK, school=school, actor=primary_clerk, clock=clock)

    assert again.receipt_id == first.receipt_id
    assert Receipt.objects.count() == 1 and Blob.objects.count() == 1


def test_bytes_refused_from_one_school_are_stored_whole_when_accepted_from_theirs(
    district, db, clock, primary_clerk, other_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    package = build_package(
        [district.packet(record)],
        school_code=district.primary.school.code,
        school_year=district.year.name,
    )
    assert len(package) > REFUSED_KEPT_BYTES
    refused = actions.submit(
        package, school=district.other_primary.school, actor=other_clerk, clock=clock
    )
    assert refused.status == "refused"

    accepted = actions.submit(
        package, school=district.primary.school, actor=primary_clerk, clock=clock
    )

    assert accepted.records[0].accepted
    assert bytes(Blob.objects.get(pk=accepted.sha256).data) == package
    assert actions.verify_ledger().ok


def test_a_receipt_left_received_is_answered_by_the_recovery(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    stuck = submit(district, record, primary_clerk, clock, process=False)
    assert stuck.status == "received"
    later = fixed_clock(clock() + dt.timedelta(minutes=10))

    (answered,) = recover_receipts(verifier=InProcessVerifier(), clock=later)

    assert answered.public_id == stuck.receipt_id and answered.accepted_count == 1
    assert Submission.objects.get(record=record).receipt_id == answered.pk
    assert actions.verify_ledger().ok


def test_the_recovery_leaves_a_receipt_a_worker_may_still_be_on(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[0]
    submit(district, record, primary_clerk, clock, process=False)
    soon = fixed_clock(clock() + dt.timedelta(minutes=1))

    assert recover_receipts(verifier=InProcessVerifier(), clock=soon) == []
    assert Receipt.objects.get().status == "received"


def test_the_recover_command_answers_every_stuck_receipt(
    district, db, clock, primary_clerk, secondary_clerk, monkeypatch
):
    for school_class, clerk in (
        (district.primary, primary_clerk),
        (district.secondary, secondary_clerk),
    ):
        record = district.records(school_class, Round.MAIN)[0]
        submit(district, record, clerk, clock, process=False)
    monkeypatch.setattr(
        "hocbaso.registry.clock.system_clock",
        lambda: clock() + dt.timedelta(minutes=6),
    )
    out = io.StringIO()

    call_command("registry", "recover", stdout=out)

    assert not Receipt.objects.filter(status="received").exists()
    assert Submission.objects.count() == 2
    assert out.getvalue().strip().endswith("2 receipts answered.")
