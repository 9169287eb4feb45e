"""The admin cannot change a locked record, its rows or its student's identity.

The change forms are posted back as the browser would send them, with one value
changed; the lock is shown as a form error (model ``clean()``) and nothing is saved.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hocbaso.records.models import (
    RecordStatus,
    Student,
    SubjectAssessment,
    YearlyRecord,
)

LOCKED_AT = dt.datetime(2026, 6, 30, 16, 59, 59, tzinfo=dt.UTC)


@pytest.fixture
def locked(world):
    record = world.a.record
    SubjectAssessment.objects.create(
        record=record, subject_code="TOAN", term="hk2", data={"level": "T", "score": 9}
    )
    YearlyRecord.objects.filter(pk=record.pk).update(
        status=RecordStatus.SUBMITTED, locked_at=LOCKED_AT
    )
    record.refresh_from_db()
    return record


def _form_data(response) -> dict:
    """The change form's fields, inlines and management forms, as posted."""
    context = response.context
    forms = [context["adminform"].form]
    data = {}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += list(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, (list, tuple)):
                data[form.add_prefix(name)] = [str(v) for v in value]
            else:
                data[form.add_prefix(name)] = field.prepare_value(value)
    return data


def _post_changed(client, url: str, changes: dict):
    page = client.get(url)
    assert page.status_code == 200, url
    data = _form_data(page) | changes
    return client.post(url, data)


def _errors(response) -> str:
    form = response.context["adminform"].form
    text = " ".join(str(e) for e in form.non_field_errors())
    text += " ".join(str(e) for errors in form.errors.values() for e in errors)
    return text


def test_the_admin_cannot_save_a_locked_record(admin_client, locked):
    url = reverse("admin:records_yearlyrecord_change", args=[locked.pk])
    response = _post_changed(
        admin_client, url, {"homeroom_comment": "Sửa qua trang quản trị."}
    )
    assert response.status_code == 200  # the form again, not a redirect
    assert "đã khóa sổ" in _errors(response)
    stored = YearlyRecord.objects.get(pk=locked.pk)
    assert stored.homeroom_comment == "" and stored.status == RecordStatus.SUBMITTED


def test_the_admin_cannot_change_a_locked_records_subject_row(admin_client, locked):
    row = locked.assessments.get()
    url = reverse("admin:records_yearlyrecord_change", args=[locked.pk])
    page = admin_client.get(url)
    data = _form_data(page)
    key = next(k for k, v in data.items() if k.endswith("-data") and "score" in str(v))
    data[key] = '{"level": "H", "score": 5}'
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "đã khóa sổ" in _errors(response)
    assert SubjectAssessment.objects.get(pk=row.pk).data["score"] == 9
    direct = reverse("admin:records_subjectassessment_change", args=[row.pk])
    response = _post_changed(admin_client, direct, {"data": '{"level": "H"}'})
    assert response.status_code == 200
    assert "đã khóa sổ" in _errors(response)
    assert SubjectAssessment.objects.get(pk=row.pk).data["score"] == 9


def test_the_admin_cannot_change_the_identity_of_a_locked_student(
    admin_client, locked, world
):
    url = reverse("admin:records_student_change", args=[world.a.student.pk])
    response = _post_changed(admin_client, url, {"full_name": "Nguyễn Minh Ánh"})
    assert response.status_code == 200
    assert "Thông tin nhân thân" in _errors(response)
    assert Student.objects.get(pk=world.a.student.pk).full_name == "Nguyễn Minh Anh"
    moved = _post_changed(admin_client, url, {"current_address": "Số 9 phố Huế"})
    assert moved.status_code == 302  # the family's details still change
    assert Student.objects.get(pk=world.a.student.pk).current_address == (
        "Số 9 phố Huế"
    )


def test_the_admin_still_corrects_a_record_that_is_not_locked(admin_client, world):
    record = world.b.record
    url = reverse("admin:records_yearlyrecord_change", args=[record.pk])
    response = _post_changed(admin_client, url, {"homeroom_comment": "Chăm ngoan."})
    assert response.status_code == 302
    assert YearlyRecord.objects.get(pk=record.pk).homeroom_comment == "Chăm ngoan."
