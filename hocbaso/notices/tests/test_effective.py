"""A school's lock makes its records effective: each family member who takes
that kind is told once, in Vietnamese, through a real SMTP server."""

from __future__ import annotations

import pytest
from django.db import transaction

from hocbaso.notices import notifying
from hocbaso.notices.models import Kind, Notice, Preference
from hocbaso.notices.tests.conftest import PARENT_EMAIL, assert_nothing_personal
from hocbaso.portal.citizen import consent
from hocbaso.portal.citizen.models import Guardianship
from hocbaso.registry import actions
from hocbaso.registry.models import SchoolRoundLock
from hocbaso.registry.tests.helpers import submit

pytestmark = pytest.mark.django_db


def _lock(district, record, clerk, clock, system, capture):
    submit(district, record, clerk, clock)
    with capture(execute=True):
        actions.lock_round(
            district.year, "main", scope=record.school, actor=system, clock=clock
        )
    return SchoolRoundLock.objects.get(school=record.school, round="main")


def test_the_lock_tells_the_parent_in_vietnamese(
    district,
    pupil_record,
    parent,
    clerk,
    clock,
    system,
    smtp,
    django_capture_on_commit_callbacks,
):
    _lock(
        district, pupil_record, clerk, clock, system, django_capture_on_commit_callbacks
    )

    (mail,) = smtp.to(PARENT_EMAIL)
    pupil = pupil_record.transcript.student.full_name
    assert mail.recipients == [PARENT_EMAIL]
    assert mail.sender == "hocbaso@so.example.vn"
    assert mail.subject == (
        f"{pupil}: học bạ năm học {district.year.name} đã có hiệu lực"
    )
    assert "khóa dữ liệu" in mail.body and pupil in mail.body
    assert_nothing_personal(mail, pupil_record.transcript)
    notice = Notice.objects.get(account=parent, kind=Kind.EFFECTIVE)
    assert notice.delivered and notice.recipient == PARENT_EMAIL


def test_a_parent_who_switched_the_kind_off_is_not_told(
    district,
    pupil_record,
    parent,
    clerk,
    clock,
    system,
    smtp,
    django_capture_on_commit_callbacks,
):
    Preference.objects.filter(account=parent).update(effective=False)

    _lock(
        district, pupil_record, clerk, clock, system, django_capture_on_commit_callbacks
    )

    assert smtp.to(PARENT_EMAIL) == []
    assert not Notice.objects.filter(account=parent).exists()


def test_the_task_run_again_sends_nothing_new(
    district,
    pupil_record,
    parent,
    clerk,
    clock,
    system,
    smtp,
    django_capture_on_commit_callbacks,
):
    school_lock = _lock(
        district, pupil_record, clerk, clock, system, django_capture_on_commit_callbacks
    )

    again = notifying.effective(school_lock.pk)

    assert again == {"sent": 0}
    assert len(smtp.to(PARENT_EMAIL)) == 1
    assert Notice.objects.filter(account=parent).count() == 1


def test_a_mail_server_that_is_down_leaves_the_notice_undelivered(
    district,
    pupil_record,
    parent,
    clerk,
    clock,
    system,
    smtp_down,
    django_capture_on_commit_callbacks,
):
    school_lock = _lock(
        district, pupil_record, clerk, clock, system, django_capture_on_commit_callbacks
    )

    notice = Notice.objects.get(account=parent, kind=Kind.EFFECTIVE)
    assert not notice.delivered
    assert school_lock.locked_count >= 1  # the lock itself stands


def test_a_refusing_mail_server_leaves_the_notice_undelivered(
    district,
    pupil_record,
    parent,
    clerk,
    clock,
    system,
    smtp,
    django_capture_on_commit_callbacks,
):
    smtp.refuse = True

    _lock(
        district, pupil_record, clerk, clock, system, django_capture_on_commit_callbacks
    )

    notice = Notice.objects.get(account=parent, kind=Kind.EFFECTIVE)
    assert not notice.delivered and smtp.messages == []


def test_a_lock_rolled_back_sends_nothing(
    district,
    pupil_record,
    parent,
    clerk,
    clock,
    system,
    smtp,
    django_capture_on_commit_callbacks,
):
    submit(district, pupil_record, clerk, clock)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            actions.lock_round(
                district.year,
                "main",
                scope=pupil_record.school,
                actor=system,
                clock=clock,
            )
            raise RuntimeError("the lock's transaction fails after the signal")

    assert smtp.messages == []
    assert not Notice.objects.exists()


def test_a_parent_of_another_pupil_is_not_told(
    district,
    pupil_record,
    parent,
    clerk,
    clock,
    system,
    smtp,
    django_capture_on_commit_callbacks,
):
    other = district.records(district.secondary, "main")[0]
    Guardianship.objects.filter(guardian_personal_id=parent.personal_id).update(
        student=other.transcript.student
    )

    _lock(
        district, pupil_record, clerk, clock, system, django_capture_on_commit_callbacks
    )

    assert smtp.to(PARENT_EMAIL) == []


def test_no_mail_without_consent_to_notifications_or_after_its_withdrawal(
    district,
    pupil_record,
    parent,
    clerk,
    clock,
    system,
    smtp,
    django_capture_on_commit_callbacks,
):
    consent.decide(
        parent, pupil_record.transcript.student, "notifications", given=False
    )

    _lock(
        district, pupil_record, clerk, clock, system, django_capture_on_commit_callbacks
    )

    assert smtp.messages == []
    assert not Notice.objects.exists()


def test_an_address_not_confirmed_gets_nothing(
    district,
    pupil_record,
    parent,
    clerk,
    clock,
    system,
    smtp,
    django_capture_on_commit_callbacks,
):
    Preference.objects.filter(account=parent).update(email="typo@example.vn")

    _lock(
        district, pupil_record, clerk, clock, system, django_capture_on_commit_callbacks
    )

    assert smtp.messages == []
