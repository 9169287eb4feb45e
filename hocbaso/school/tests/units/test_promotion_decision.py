"""The principal's promotion decision for a primary pupil still CHT after the
summer's re-assessment (Circular 27, Art. 12), on the class's decisions page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hocbaso.records.models import YearlyRecord
from hocbaso.school.models import DecisionEvent

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(user)
    return client


def _still_cht(cls) -> YearlyRecord:
    record = YearlyRecord.objects.filter(school_class=cls).first()
    YearlyRecord.objects.filter(pk=record.pk).update(
        result_code="CHT", supplementary_assessed=True, principal_promotion=None
    )
    record.refresh_from_db()
    return record


def _promote(client, cls, record, answer):
    data = {"record": record.pk, "kind": "promotion"}
    if answer:
        data["promotion"] = answer
    url = reverse("school:decisions", args=[cls.pk])
    return client.post(url, data, follow=True)


def _errors(answer) -> list[str]:
    return [str(m) for m in answer.context["messages"] if m.level_tag == "error"]


def test_the_principal_decides_a_pupil_stays_then_goes_up(district):
    cls = district.primary
    record = _still_cht(cls)
    principal = _client(district.leader(cls))
    page = principal.get(reverse("school:decisions", args=[cls.pk]))
    assert record in page.context["promotion"]
    assert "Ở lại lớp" in page.content.decode()
    _promote(principal, cls, record, "stay")
    record.refresh_from_db()
    assert record.principal_promotion is False
    # the seeded marks recompute to a completed result: CHT again for the test
    YearlyRecord.objects.filter(pk=record.pk).update(result_code="CHT")
    answer = _promote(principal, cls, record, "up")
    assert "đã lưu quyết định" in answer.content.decode()
    record.refresh_from_db()
    assert record.principal_promotion is True
    first, second = DecisionEvent.objects.filter(record=record).order_by("pk")
    assert first.kind == DecisionEvent.Kind.PROMOTION == second.kind
    assert first.before["principal_promotion"] is None
    assert first.after["principal_promotion"] is False
    assert second.after["principal_promotion"] is True
    assert second.user == district.leader(cls)


def test_without_an_answer_nothing_is_decided(district):
    cls = district.primary
    record = _still_cht(cls)
    answer = _promote(_client(district.leader(cls)), cls, record, "")
    assert _errors(answer)
    record.refresh_from_db()
    assert record.principal_promotion is None
    assert not DecisionEvent.objects.filter(record=record).exists()


def test_a_teacher_is_refused(district):
    cls = district.primary
    record = _still_cht(cls)
    teacher = _client(district.homeroom(cls))
    assert _promote(teacher, cls, record, "up").status_code == 403
    page = teacher.get(reverse("school:decisions", args=[cls.pk]))
    assert not page.context["may_promote"]
    record.refresh_from_db()
    assert record.principal_promotion is None
    assert not DecisionEvent.objects.filter(record=record).exists()


def test_a_locked_record_is_refused_and_nothing_is_written(district):
    cls = district.primary
    record = _still_cht(cls)
    YearlyRecord.objects.filter(pk=record.pk).update(locked_at=district.now)
    answer = _promote(_client(district.leader(cls)), cls, record, "up")
    (error,) = _errors(answer)
    assert record.transcript.student.full_name in error
    record.refresh_from_db()
    assert record.principal_promotion is None
    assert not DecisionEvent.objects.filter(record=record).exists()


def test_a_pupil_not_re_assessed_or_completed_gets_no_decision(district):
    cls = district.primary
    record = _still_cht(cls)
    principal = _client(district.leader(cls))
    YearlyRecord.objects.filter(pk=record.pk).update(supplementary_assessed=False)
    (error,) = _errors(_promote(principal, cls, record, "up"))
    assert "Hiệu trưởng chỉ quyết định" in error
    YearlyRecord.objects.filter(pk=record.pk).update(
        supplementary_assessed=True, result_code="HT"
    )
    assert _errors(_promote(principal, cls, record, "stay"))
    record.refresh_from_db()
    assert record.principal_promotion is None
