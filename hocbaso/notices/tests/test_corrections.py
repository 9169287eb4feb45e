"""A correction after the lock: the family is told of the request, the decision
and the issued version; the approvers of the request, the school of the decision;
every earlier reader who left an address, once, of the corrected version."""

from __future__ import annotations

import datetime as dt

import pytest

from hocbaso.notices.models import Kind, Notice
from hocbaso.notices.tests.conftest import PARENT_EMAIL, assert_nothing_personal
from hocbaso.portal.audit import record_access
from hocbaso.portal.citizen import review
from hocbaso.portal.models import AccessAction, ActorKind
from hocbaso.records.models import Appointment, RecordStatus, Role, YearlyRecord
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.models import Submission
from hocbaso.registry.tests.district import _sign_class
from hocbaso.registry.tests.helpers import submit

pytestmark = pytest.mark.django_db
READER = "tuyendung@congty.example.vn"
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def locked(district, pupil_record, clerk, clock, system):
    submit(district, pupil_record, clerk, clock)
    actions.lock_round(
        district.year, "main", scope=pupil_record.school, actor=system, clock=clock
    )
    return Submission.objects.get(record=pupil_record)


@pytest.fixture
def later(district):
    return fixed_clock(district.open_at + dt.timedelta(days=1))


@pytest.fixture
def officer(district):
    found = Appointment.objects.filter(
        role=Role.DEPARTMENT_OFFICER, school_year=district.year
    ).select_related("person__user")
    user = found.first().person.user
    user.email = "chuyenvien@so.example.vn"
    user.save(update_fields=["email"])
    return Actor.of_user(user)


@pytest.fixture
def principal(district, pupil_record):
    user = district.user(pupil_record.school, Role.PRINCIPAL)
    user.email = "hieutruong@truong.example.vn"
    user.save(update_fields=["email"])
    return user


def _request(locked, clerk, later, capture):
    with capture(execute=True):
        return actions.request_correction(
            locked.public_id,
            school=locked.record.school,
            actor=clerk,
            reason="Sai ngày sinh 14/03/2015 theo giấy khai sinh.",
            evidence=b"%PDF-1.7 quyet dinh",
            evidence_name="quyet-dinh.pdf",
            clock=later,
        )


def _decide(correction, officer, later, capture, approve=True):
    decision = (
        {"number": "125/QĐ-SGDĐT", "date": later().date(), "signer": "Giám đốc Sở"}
        if approve
        else {"reason": "Hồ sơ không khớp."}
    )
    with capture(execute=True):
        return actions.decide_correction(
            correction.public_id,
            actor=officer,
            approve=approve,
            clock=later,
            **decision,
        )


def _issue(district, correction, clerk, later, capture):
    version = correction.version
    version.homeroom_comment += " Đã điều chỉnh theo quyết định."
    version.save()
    YearlyRecord.objects.filter(pk=version.pk).update(status=RecordStatus.FINALISED)
    district.signed_at = district.open_at + dt.timedelta(hours=20)
    _sign_class(district, version.school_class)
    version.refresh_from_db()
    with capture(execute=True):
        return actions.issue_correction(
            correction.public_id,
            bytes(version.packet.data),
            school=version.school,
            actor=clerk,
            clock=later,
        )


def test_the_request_tells_the_family_and_the_approvers_never_the_reason(
    locked,
    parent,
    clerk,
    officer,
    later,
    smtp,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.HOCBASO_PUBLIC_URL = "https://hocba.example.vn"
    correction = _request(locked, clerk, later, django_capture_on_commit_callbacks)

    (family,) = smtp.to(PARENT_EMAIL)
    assert "đề nghị điều chỉnh" in family.body
    (staff,) = smtp.to("chuyenvien@so.example.vn")
    assert correction.public_id in staff.subject
    link = f"https://hocba.example.vn/school/corrections/{correction.public_id}/"
    assert link in staff.body
    assert "https://hocba.example.vn/me/" in family.body
    for mail in (family, staff):
        assert "14/03/2015" not in mail.body and "giấy khai sinh" not in mail.body
        assert_nothing_personal(mail, locked.record.transcript)


def test_the_decision_tells_the_family_and_the_school(
    locked,
    parent,
    clerk,
    officer,
    principal,
    later,
    smtp,
    django_capture_on_commit_callbacks,
):
    correction = _request(locked, clerk, later, django_capture_on_commit_callbacks)
    smtp.messages.clear()

    _decide(correction, officer, later, django_capture_on_commit_callbacks)

    (family,) = smtp.to(PARENT_EMAIL)
    assert "được chấp thuận theo quyết định 125/QĐ-SGDĐT" in family.body
    (school,) = smtp.to(principal.email)
    assert (
        school.subject
        == f"Đề nghị điều chỉnh {correction.public_id} đã được chấp thuận"
    )


def test_a_refusal_names_no_reason(
    locked,
    parent,
    clerk,
    officer,
    principal,
    later,
    smtp,
    django_capture_on_commit_callbacks,
):
    correction = _request(locked, clerk, later, django_capture_on_commit_callbacks)
    smtp.messages.clear()

    _decide(correction, officer, later, django_capture_on_commit_callbacks, False)

    (family,) = smtp.to(PARENT_EMAIL)
    assert "không được chấp thuận" in family.body
    assert "Hồ sơ không khớp" not in family.body


def test_every_earlier_reader_who_left_an_address_is_told_once(
    district,
    locked,
    parent,
    clerk,
    officer,
    later,
    smtp,
    django_capture_on_commit_callbacks,
):
    transcript = locked.record.transcript
    for organisation in ("Công ty B", "Công ty B, lần hai"):
        record_access(
            None,
            action=AccessAction.VIEW,
            transcript=transcript,
            actor_kind=ActorKind.ANONYMOUS,
            organisation=organisation,
            detail={"contact": READER},
            at=district.open_at,
        )
    record_access(  # a reader who left no address
        None,
        action=AccessAction.VIEW,
        transcript=transcript,
        organisation="Công ty C",
        at=district.open_at,
    )
    correction = _request(locked, clerk, later, django_capture_on_commit_callbacks)
    correction = _decide(correction, officer, later, django_capture_on_commit_callbacks)
    smtp.messages.clear()

    _issue(district, correction, clerk, later, django_capture_on_commit_callbacks)

    (told,) = smtp.to(READER)
    assert told.subject == "Học bạ bạn đã tra cứu vừa được điều chỉnh"
    assert_nothing_personal(told, transcript)
    assert Notice.objects.filter(kind=Kind.READER).count() == 1
    (family,) = smtp.to(PARENT_EMAIL)
    assert "đã có hiệu lực" in family.body
    assert_nothing_personal(family, transcript)


def test_a_correction_tells_at_most_the_earliest_readers(district, locked, monkeypatch):
    from hocbaso.notices import recipients

    monkeypatch.setattr(recipients, "MAX_READERS", 2)
    transcript = locked.record.transcript
    for minutes, address in enumerate(["c@x.vn", "a@x.vn", "b@x.vn", "not an address"]):
        record_access(
            None,
            action=AccessAction.VIEW,
            transcript=transcript,
            actor_kind=ActorKind.ANONYMOUS,
            detail={"contact": address},
            at=district.open_at + dt.timedelta(minutes=minutes),
        )

    found = recipients.readers(transcript.pk, before=district.open_at + HOUR)

    assert [r.address for r in found] == ["c@x.vn", "a@x.vn"]


def test_a_familys_request_to_review_tells_the_school_and_its_refusal_the_family(
    locked, parent, principal, smtp, django_capture_on_commit_callbacks
):
    record = locked.record
    with django_capture_on_commit_callbacks(execute=True):
        asked = review.ask(parent, record, "Sai ngày sinh: 14/03/2015.")

    (school,) = smtp.to(principal.email)
    assert school.subject.endswith(": một gia đình đề nghị xem xét lại học bạ")
    assert "14/03/2015" not in school.body
    assert_nothing_personal(school, record.transcript)
    assert smtp.to(PARENT_EMAIL) == []

    with django_capture_on_commit_callbacks(execute=True):
        review.decline(asked.pk, record, "Giấy khai sinh khớp với học bạ.", "HT")

    (family,) = smtp.to(PARENT_EMAIL)
    assert "không chấp nhận đề nghị xem xét lại" in family.body
    assert "Giấy khai sinh" not in family.body
    assert len(smtp.to(principal.email)) == 1
