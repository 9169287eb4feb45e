"""Editing a signed record returns it to draft and drops its signatures (§7)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hocbaso.records.models import (
    RecordPacket,
    RecordStatus,
    SignatureStep,
    SubjectAssessment,
    YearlyRecord,
)
from hocbaso.records.tests.signing.conftest import issue, sign_homeroom


@pytest.fixture
def issued(district, db) -> YearlyRecord:
    """An issued primary record (homeroom teacher, principal and seal signed)."""
    sign_homeroom(district, district.primary)
    issue(district, district.primary)
    record = district.records(district.primary).first()
    assert record.status == RecordStatus.ISSUED
    assert record.signature_steps.count() == 3
    return record


def _is_draft_without_signatures(record: YearlyRecord) -> bool:
    record.refresh_from_db()
    return (
        record.status == RecordStatus.DRAFT
        and not SignatureStep.objects.filter(record=record).exists()
        and not RecordPacket.objects.filter(record=record).exists()
    )


def test_saving_a_changed_comment_returns_the_record_to_draft(issued):
    issued.homeroom_comment = "Em cần cố gắng hơn nữa."
    issued.save()
    assert _is_draft_without_signatures(issued)


def test_saving_only_the_changed_field_returns_it_to_draft_too(issued):
    issued.qualities = {**issued.qualities, "YN": "Đ"}
    issued.save(update_fields=["qualities"])
    assert _is_draft_without_signatures(issued)


def test_saving_without_a_change_keeps_the_signatures(issued):
    issued.save()
    issued.recompute()  # the same rules give the same results
    issued.refresh_from_db()
    assert issued.status == RecordStatus.ISSUED
    assert issued.signature_steps.count() == 3


def test_correcting_the_students_name_returns_the_signed_record_to_draft(issued):
    student = issued.transcript.student
    student.full_name = student.full_name + " Anh"
    student.save()
    assert _is_draft_without_signatures(issued)


def test_saving_the_student_unchanged_keeps_the_signatures(issued):
    issued.transcript.student.save()
    issued.refresh_from_db()
    assert issued.status == RecordStatus.ISSUED
    assert issued.signature_steps.count() == 3


def test_changing_a_subject_row_returns_the_record_to_draft(issued):
    row = issued.assessments.get(subject_code="TOAN", term="hk2")
    row.data = {**row.data, "level": "H" if row.data["level"] == "T" else "T"}
    row.save()
    assert _is_draft_without_signatures(issued)


def test_adding_or_deleting_a_subject_row_returns_the_record_to_draft(issued):
    issued.assessments.get(subject_code="MT", term="hk1").delete()
    assert _is_draft_without_signatures(issued)


def test_a_new_subject_row_returns_the_record_to_draft(district, issued):
    record = district.records(district.primary).exclude(pk=issued.pk).first()
    SubjectAssessment.objects.create(
        record=record, subject_code="TDT", term="hk2", data={"level": "T"}
    )
    assert _is_draft_without_signatures(record)


def test_other_records_keep_their_signatures(district, issued):
    issued.homeroom_comment = "Đã sửa."
    issued.save()
    others = district.records(district.primary).exclude(pk=issued.pk)
    assert {r.status for r in others} == {RecordStatus.ISSUED}


def _post_data(response) -> dict:
    """The change form's data as the browser would post it back unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {
                f"{formset.prefix}-{name}": value
                for name, value in formset.management_form.initial.items()
            }
        )
        forms += list(formset.forms)
    for form in forms:
        for bound in form:
            value = bound.value()  # already as the widget shows it
            if value is True:
                data[bound.html_name] = "on"
            elif value not in (None, False):
                data[bound.html_name] = str(value)
    return data


def test_an_edit_through_the_admin_returns_the_record_to_draft(issued, admin_client):
    url = reverse("admin:records_yearlyrecord_change", args=[issued.pk])
    data = _post_data(admin_client.get(url))
    data["homeroom_comment"] = "Sửa qua trang quản trị."
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _is_draft_without_signatures(issued)
    assert issued.homeroom_comment == "Sửa qua trang quản trị."


def test_an_admin_save_without_a_change_keeps_the_signatures(issued, admin_client):
    url = reverse("admin:records_yearlyrecord_change", args=[issued.pk])
    response = admin_client.post(url, _post_data(admin_client.get(url)))
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == RecordStatus.ISSUED


def test_an_edit_of_a_subject_row_in_the_admin_returns_it_to_draft(
    issued, admin_client
):
    url = reverse("admin:records_yearlyrecord_change", args=[issued.pk])
    data = _post_data(admin_client.get(url))
    assert "assessments-0-comment" in data
    data["assessments-0-comment"] = "Tiến bộ rõ rệt."
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert _is_draft_without_signatures(issued)


def test_the_status_cannot_be_set_by_hand_in_the_admin(issued, admin_client):
    url = reverse("admin:records_yearlyrecord_change", args=[issued.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "status" not in form.fields
