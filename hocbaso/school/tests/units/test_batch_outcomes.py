"""A signing batch says plainly why it signed nothing, and names each signer it
waits for once, with the pupils they hold up, not once per pupil."""

from __future__ import annotations

import pytest

from hocbaso.records.models import RecordStatus, SignatureStep, YearlyRecord
from hocbaso.records.signers import signers_of
from hocbaso.school.tests.units.test_batches import Page, _client
from hocbaso.web.labels import subject_name

pytestmark = pytest.mark.django_db


def _page(district, person, **keys):
    page = Page(
        _client(person.user),
        {"personal": district.keys.signer_for_person(person), **keys},
    )
    page.client.cookies["django_language"] = "vi"
    return page


def _all_drafts_missing_term_two(school_class) -> tuple[int, str]:
    """Every record back to draft, each without the same term II mark."""
    records = YearlyRecord.objects.filter(school_class=school_class)
    records.update(status=RecordStatus.DRAFT)
    subject = (
        records.first().assessments.filter(term="hk2").order_by("subject_code").first()
    ).subject_code
    for record in records:
        record.assessments.filter(term="hk2", subject_code=subject).delete()
    return records.count(), subject


def test_a_class_of_drafts_says_nothing_was_ready_and_why(district):
    cls = district.primary
    n, subject = _all_drafts_missing_term_two(cls)
    page = _page(district, signers_of(cls).homeroom)
    status = page.run(page.create("homeroom", [cls])["batch"])
    assert status["failed"] == 1 and status["done"] == 0
    error = status["items"][0]["error"]
    assert error.startswith("Không có học bạ nào sẵn sàng để ký: ")
    # The missing subject named once, by its name, with the records it stops.
    assert error.count(subject_name(subject)) == 1, error
    assert f"{n} học bạ: {subject_name(subject)}" in error
    assert not SignatureStep.objects.filter(record__school_class=cls).exists()


def test_the_demo_keys_say_so_too(district, settings):
    settings.HOCBASO_DEMO_SIGNING = True
    cls = district.primary
    n, _subject = _all_drafts_missing_term_two(cls)
    page = _page(district, signers_of(cls).homeroom)
    status = page.run(page.create("homeroom", [cls], mode="demo")["batch"])
    assert status["failed"] == 1
    assert f"sẵn sàng để ký: {n} học bạ: " in status["items"][0]["error"]


def test_a_class_signed_already_is_not_called_unready(district):
    cls = district.primary
    page = _page(district, signers_of(cls).homeroom)
    page.run(page.create("homeroom", [cls])["batch"])
    again = page.run(page.create("homeroom", [cls])["batch"])
    assert again["status"] == "done" and again["failed"] == 0


def test_the_homeroom_refusal_names_each_subject_teacher_once(district):
    cls = district.secondary
    page = _page(district, signers_of(cls).homeroom)
    status = page.run(page.create("homeroom", [cls])["batch"])
    error = status["items"][0]["error"]
    records = district.records(cls)
    teachers = {p.pk: p for p in signers_of(cls).subject_teachers.values()}
    assert len(teachers) > 1 and records.count() > 1
    for teacher in teachers.values():
        assert error.count(teacher.full_name) == 1, error
    assert error.count(f"chưa ký {records.count()} học bạ") == len(teachers)
    pupil = records.first().transcript.student.full_name
    assert error.count(pupil) == len(teachers)  # once per teacher holding them up


def test_the_leader_refusal_names_the_homeroom_teacher_once(district):
    cls = district.primary
    leader = signers_of(cls).leader
    page = _page(district, leader, seal=district.keys.signer_for_school(cls.school))
    status = page.run(page.create("issue", [cls])["batch"])
    error = status["items"][0]["error"]
    n = district.records(cls).count()
    assert error.count("giáo viên chủ nhiệm") == 1, error
    assert f"chưa ký {n} học bạ" in error
