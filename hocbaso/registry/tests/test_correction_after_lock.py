"""Correction after the lock, by the legal procedure (docs/registry.md,
"Correction after the lock"): request, decision by the competent level, the next
version signed and issued, the ledger; the locked rows never change."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.forms.models import model_to_dict
from django.utils import translation

from hocbaso.portal.verification import verify_upload
from hocbaso.records.models import (
    Appointment,
    RecordStatus,
    Role,
    Round,
    YearlyRecord,
)
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.correcting import CorrectionError
from hocbaso.registry.errors import NotAllowedError
from hocbaso.registry.holding_values import Standing
from hocbaso.registry.holdings import holdings
from hocbaso.registry.models import Correction, LedgerEntry, Submission
from hocbaso.registry.tests.district import _sign_class
from hocbaso.registry.tests.helpers import codes, submit

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
EVIDENCE = b"%PDF-1.7 quyet dinh dieu chinh ho so"
NEW_NAME = "Nguyễn Thị Đổi Tên"


@pytest.fixture
def locked(district, db, clock, primary_clerk, system):
    record = district.records(district.primary, Round.MAIN)[1]
    submit(district, record, primary_clerk, clock)
    actions.lock_round(
        district.year, "main", scope=record.school, actor=system, clock=clock
    )
    return Submission.objects.get(record=record)


@pytest.fixture
def later(district):
    return fixed_clock(district.open_at + dt.timedelta(days=1))


@pytest.fixture
def officer(district):
    found = Appointment.objects.filter(
        role=Role.DEPARTMENT_OFFICER, school_year=district.year
    ).select_related("person__user")
    return Actor.of_user(found.first().person.user)


def _request(locked, clerk, later, **options):
    return actions.request_correction(
        locked.public_id,
        school=locked.record.school,
        actor=clerk,
        reason=options.pop("reason", "Sai họ tên theo giấy khai sinh."),
        evidence=options.pop("evidence", EVIDENCE),
        evidence_name="quyet-dinh.pdf",
        clock=later,
        **options,
    )


def _approve(correction, officer, later):
    return actions.decide_correction(
        correction.public_id,
        actor=officer,
        approve=True,
        number="125/QĐ-SGDĐT",
        date=later().date(),
        signer="Giám đốc Sở",
        clock=later,
    )


def _sign_version(district, version):
    version.homeroom_comment += " Đã điều chỉnh theo quyết định."
    version.save()
    YearlyRecord.objects.filter(pk=version.pk).update(status=RecordStatus.FINALISED)
    district.signed_at = district.open_at + dt.timedelta(hours=20)
    _sign_class(district, version.school_class)
    version.refresh_from_db()
    return bytes(version.packet.data)


def _frozen(locked):
    record = YearlyRecord.objects.get(pk=locked.record_id)
    row = Submission.objects.get(pk=locked.pk)
    return model_to_dict(record, exclude=[]), model_to_dict(row), record.updated_at


def test_the_whole_procedure_issues_a_new_version(
    district, locked, primary_clerk, officer, later
):
    before = _frozen(locked)
    correction = _request(
        locked, primary_clerk, later, identity={"full_name": NEW_NAME}
    )
    correction = _approve(correction, officer, later)
    version = correction.version
    assert version.corrects_id == locked.record_id and version.version == 2
    packet = _sign_version(district, version)
    assert NEW_NAME.encode() in packet
    issued = actions.issue_correction(
        correction.public_id,
        packet,
        school=version.school,
        actor=primary_clerk,
        clock=later,
    )
    assert issued.state == Correction.State.ISSUED
    new = issued.issued
    assert new.supersedes_id == locked.pk and new.locked_at == later()
    events = list(
        LedgerEntry.objects.order_by("-index").values_list("index", flat=True)[:3]
    )
    assert len(events) == 3
    report = actions.verify_ledger()
    assert report.ok, report.problems
    assert _frozen(locked) == before
    _lookup_shows_current_and_history(locked, new)
    _the_old_copy_is_told_superseded(district, locked, later)


def _lookup_shows_current_and_history(locked, new):
    _transcript, held = holdings().held(locked.record.transcript.lookup_code)
    assert [p.public_id for p in held.pages] == [new.public_id]
    old = next(p for p in held.earlier if p.public_id == locked.public_id)
    assert old.standing is Standing.SUPERSEDED
    assert old.replaced_by == new.public_id and old.decision_number == "125/QĐ-SGDĐT"
    assert held.pages[0].snapshot.student.full_name == NEW_NAME


def _the_old_copy_is_told_superseded(district, locked, later):
    report = verify_upload(district.packet(locked.record))
    finding = report.packets[0]
    assert finding.exact and finding.page.public_id == locked.public_id
    registry = next(c for c in finding.checks if c.name == "registry")
    assert not registry.ok
    day = later().astimezone(VIETNAM).strftime("%d/%m/%Y")
    assert "125/QĐ-SGDĐT" in registry.reason and day in registry.reason


def test_a_correction_without_an_approved_decision_is_refused(
    district, locked, primary_clerk, later
):
    correction = _request(locked, primary_clerk, later)
    with pytest.raises(CorrectionError):
        actions.issue_correction(
            correction.public_id,
            district.packet(locked.record),
            school=locked.record.school,
            actor=primary_clerk,
            clock=later,
        )
    assert (
        Submission.objects.filter(record__transcript=locked.record.transcript).count()
        == 1
    )


def test_a_refused_request_changes_nothing(
    district, locked, primary_clerk, officer, later
):
    before = _frozen(locked)
    correction = _request(locked, primary_clerk, later)
    refused = actions.decide_correction(
        correction.public_id,
        actor=officer,
        approve=False,
        reason="Không đủ căn cứ.",
        clock=later,
    )
    assert refused.state == Correction.State.REFUSED and refused.version is None
    assert YearlyRecord.objects.filter(corrects=locked.record).count() == 0
    assert _frozen(locked) == before
    assert actions.verify_ledger().ok


def test_only_the_competent_level_approves(district, locked, primary_clerk, later):
    correction = _request(locked, primary_clerk, later)
    principal = Actor.of_user(district.user(locked.record.school, Role.PRINCIPAL))
    unit_officer = Actor.of_user(
        district.unit_officer(district.other_primary.school.unit_on(later().date()))
    )
    for actor in (
        primary_clerk,
        principal,
        Actor.of_school_token(locked.record.school, "t"),
        unit_officer,
    ):
        with pytest.raises(NotAllowedError):
            _approve(correction, actor, later)
    assert Correction.objects.get(pk=correction.pk).state == Correction.State.REQUESTED


def test_with_the_unit_as_approver_only_the_schools_unit_decides(
    district, locked, primary_clerk, officer, later, settings
):
    settings.HOCBASO_CORRECTION_APPROVER = "unit"
    correction = _request(locked, primary_clerk, later)
    with pytest.raises(NotAllowedError):
        _approve(correction, officer, later)  # the department is not competent now
    unit = locked.record.school.unit_on(later().date())
    approved = _approve(correction, Actor.of_user(district.unit_officer(unit)), later)
    assert approved.state == Correction.State.APPROVED


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"reason": "  "}, "reason"),
        ({"evidence": b""}, "evidence"),
        ({"evidence": b"x" * (10 * 1024 * 1024 + 1)}, "10485761"),
        ({"identity": {"current_address": "Hà Nội"}}, "current_address"),
        ({"identity": {"date_of_birth": "31/02/2015"}}, "31/02/2015"),
        ({"identity": {"full_name": " "}}, "full_name"),
    ],
)
def test_a_bad_request_is_refused_naming_what_is_wrong_and_writes_nothing(
    locked, primary_clerk, later, options, words
):
    size = LedgerEntry.objects.count()
    with pytest.raises(CorrectionError, match=words):
        _request(locked, primary_clerk, later, **options)
    assert LedgerEntry.objects.count() == size
    assert not Correction.objects.exists()


def test_an_unlocked_submission_is_corrected_by_a_replacement_not_here(
    district, db, clock, primary_clerk
):
    record = district.records(district.primary, Round.MAIN)[2]
    open_one = submit(district, record, primary_clerk, clock)
    sub = Submission.objects.get(record=record)
    assert open_one
    with pytest.raises(CorrectionError, match="replacement"):
        _request(sub, primary_clerk, clock)


def test_a_validly_signed_packet_other_than_the_approved_versions_is_refused(
    district, locked, primary_clerk, officer, later
):
    correction = _approve(_request(locked, primary_clerk, later), officer, later)
    other = district.records(district.primary, Round.MAIN)[2]
    with pytest.raises(CorrectionError):
        actions.issue_correction(
            correction.public_id,
            district.packet(other),
            school=locked.record.school,
            actor=primary_clerk,
            clock=later,
        )
    assert Correction.objects.get(pk=correction.pk).state == "approved"
    assert actions.verify_ledger().ok


def test_the_ledger_check_sees_a_correction_row_changed_behind_its_back(
    locked, primary_clerk, officer, later
):
    correction = _approve(_request(locked, primary_clerk, later), officer, later)
    Correction.objects.filter(pk=correction.pk).update(decision_number="999/QĐ")
    report = actions.verify_ledger()
    assert not report.ok


def test_the_corrected_version_sent_as_a_plain_submission_is_rejected(
    district, locked, primary_clerk, officer, later
):
    correction = _approve(_request(locked, primary_clerk, later), officer, later)
    packet = _sign_version(district, correction.version)
    receipt = submit(district, correction.version, primary_clerk, later, data=packet)
    assert "ROUND_LOCKED" in codes(receipt.records[0])
    assert not Submission.objects.filter(record=correction.version).exists()


def test_a_refusal_reads_in_vietnamese(locked, primary_clerk, later):
    with translation.override("vi"), pytest.raises(CorrectionError) as caught:
        _request(locked, primary_clerk, later, identity={"date_of_birth": "31/02"})
    assert (
        str(caught.value) == "Ngày sinh điều chỉnh 31/02 không phải là một ngày hợp lệ."
    )
