"""Decisions on the class's page, and the registry's actions as pages, by persona."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hocbaso.records.models import RecordStatus, YearlyRecord
from hocbaso.registry.models import Submission, Transfer
from hocbaso.school.models import DecisionEvent
from hocbaso.school.tests.units.test_batches import _homeroom_page, _leader_page

pytestmark = pytest.mark.django_db


def _client(user, language="vi"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _htt(cls):
    """An HTT pupil of the class not recognised yet."""
    records = YearlyRecord.objects.filter(school_class=cls, result_code="HTT")
    record = records.first() or pytest.fail("the seeded class has no HTT pupil")
    records.filter(pk=record.pk).update(
        class_recognition=False, class_recognition_note=""
    )
    record.refresh_from_db()
    return record


def _decide(client, cls, record, kind, value=True, note=""):
    data = {"record": record.pk, "kind": kind, "note": note}
    if value:
        data["value"] = "on"
    url = reverse("school:decisions", args=[cls.pk])
    return client.post(url, data, follow=True)


def test_the_homeroom_teacher_recognises_an_htt_pupil_with_a_note(district):
    cls = district.primary
    record = _htt(cls)
    client = _client(district.homeroom(cls))
    page = client.get(reverse("school:decisions", args=[cls.pk]))
    assert record in page.context["recognition"]
    answer = _decide(client, cls, record, "recognition", note="Tiến bộ môn Toán")
    assert "đã lưu quyết định" in answer.content.decode()
    record.refresh_from_db()
    assert record.class_recognition and record.title == "HSTB"
    assert record.class_recognition_by == district.homeroom(cls).person
    event = DecisionEvent.objects.get(record=record)
    assert event.before["class_recognition"] is False
    assert event.after["title"] == "HSTB"


def test_recognition_without_a_note_or_for_a_non_htt_pupil_is_refused(district):
    cls = district.primary
    client = _client(district.leader(cls))
    htt = _htt(cls)
    text = _decide(client, cls, htt, "recognition").content.decode()
    assert "Hãy ghi điều tập thể lớp công nhận" in text
    other = (
        YearlyRecord.objects.filter(school_class=cls).exclude(result_code="HTT").first()
    )
    text = _decide(client, cls, other, "recognition", note="x").content.decode()
    assert "Chỉ học sinh có kết quả cuối năm HTT" in text
    assert not DecisionEvent.objects.filter(record__school_class=cls).exists()
    htt.refresh_from_db()
    assert not htt.class_recognition


def test_a_decision_on_a_locked_record_is_refused_and_nothing_is_written(district):
    cls = district.primary
    record = _htt(cls)
    YearlyRecord.objects.filter(pk=record.pk).update(locked_at=district.now)
    answer = _decide(
        _client(district.homeroom(cls)), cls, record, "recognition", note="Toán"
    )
    errors = [m for m in answer.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and record.transcript.student.full_name in str(errors[0])
    record.refresh_from_db()
    assert not record.class_recognition
    assert not DecisionEvent.objects.filter(record=record).exists()


def test_subject_teachers_and_other_schools_cannot_decide(district):
    cls = district.primary
    record = YearlyRecord.objects.filter(school_class=cls).first()
    outsider = _client(district.homeroom(district.other_primary))
    assert _decide(outsider, cls, record, "recognition", note="x").status_code == 404
    # a record of another class through one's own class page is not found either
    other_record = YearlyRecord.objects.filter(
        school_class=district.other_primary
    ).first()
    own = district.other_primary
    mine = _client(district.homeroom(own))
    url = reverse("school:decisions", args=[own.pk])
    bad = mine.post(url, {"record": record.pk, "kind": "recognition"})
    assert bad.status_code == 404
    assert other_record is not None
    sec = district.secondary
    teacher = _client(district.subject_teachers(sec)[0])
    assert teacher.get(reverse("school:decisions", args=[sec.pk])).status_code == 404


def test_a_cht_pupil_is_marked_re_assessed_and_an_htt_one_is_not(district):
    cls = district.primary
    client = _client(district.homeroom(cls))
    htt = YearlyRecord.objects.filter(school_class=cls, result_code="HTT").first()
    text = _decide(client, cls, htt, "supplementary").content.decode()
    assert "Chỉ học sinh chưa hoàn thành" in text
    htt.refresh_from_db()
    assert not htt.supplementary_assessed


@pytest.fixture
def accepted_class(district, staff_client, settings):
    settings.HOCBASO_DEMO_SIGNING = True
    cls = district.primary
    homeroom, _p = _homeroom_page(district, staff_client, cls)
    homeroom.run(homeroom.create("homeroom", [cls], mode="demo")["batch"])
    leader, _p = _leader_page(district, staff_client, cls)
    assert leader.run(leader.create("issue", [cls], mode="demo")["batch"])["accepted"]
    return cls


def test_the_principal_revokes_a_submission_with_reason_and_confirmation(
    accepted_class, district
):
    cls = accepted_class
    submission = Submission.objects.filter(
        record__school_class=cls, state="accepted"
    ).first()
    url = reverse("school:revoke", args=[submission.record_id])
    client = _client(district.leader(cls))
    assert client.get(url).status_code == 200
    unconfirmed = client.post(url, {"reason": "Nhập nhầm điểm"})
    assert unconfirmed.status_code == 200
    submission.refresh_from_db()
    assert submission.state == "accepted"  # no confirmation, nothing revoked
    done = client.post(url, {"reason": "Nhập nhầm điểm", "confirm": "on"}, follow=True)
    assert "Đã thu hồi" in done.content.decode()
    submission.refresh_from_db()
    assert submission.state != "accepted"


def test_teachers_and_other_schools_cannot_revoke(accepted_class, district):
    cls = accepted_class
    record_id = (
        Submission.objects.filter(record__school_class=cls, state="accepted")
        .first()
        .record_id
    )
    url = reverse("school:revoke", args=[record_id])
    data = {"reason": "x", "confirm": "on"}
    assert _client(district.homeroom(cls)).post(url, data).status_code == 403
    other = _client(district.leader(district.other_primary))
    assert other.post(url, data).status_code == 404
    assert Submission.objects.filter(record_id=record_id, state="accepted").exists()


def test_a_transfer_is_requested_released_and_acknowledged_on_pages(
    accepted_class, district
):
    sending, receiving = accepted_class, district.other_primary
    record = YearlyRecord.objects.filter(
        school_class=sending, status=RecordStatus.SUBMITTED
    ).first()
    student = record.transcript.student
    asking = _client(district.leader(receiving))
    url = reverse(
        "school:transfers", args=[receiving.school_year_id, receiving.school_id]
    )
    page = asking.post(
        url,
        {"student_code": student.student_code, "level": "primary", "note": ""},
        follow=True,
    )
    assert "Đã ghi nhận yêu cầu" in page.content.decode()
    transfer = Transfer.objects.get(to_school=receiving.school)
    assert student.full_name not in page.content.decode()  # not before release
    # the receiving school cannot release its own request
    step = "school:transfer_step"
    args = [receiving.school_year_id, receiving.school_id, transfer.public_id]
    asking.post(reverse(step, args=[*args, "release"]))
    transfer.refresh_from_db()
    assert transfer.state == "requested"
    releasing = _client(district.leader(sending))
    args_from = [sending.school_year_id, sending.school_id, transfer.public_id]
    releasing.post(reverse(step, args=[*args_from, "release"]))
    transfer.refresh_from_db()
    assert transfer.state == "released"
    asking.post(reverse(step, args=[*args, "acknowledge"]))
    transfer.refresh_from_db()
    assert transfer.state == "acknowledged"


def test_a_homeroom_teacher_has_no_transfer_page(district):
    cls = district.primary
    url = reverse("school:transfers", args=[cls.school_year_id, cls.school_id])
    assert _client(district.homeroom(cls)).get(url).status_code == 403
