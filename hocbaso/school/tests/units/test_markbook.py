"""The mark book and the signing progress, by URL, as each persona sees them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hocbaso.portal.models import AccessEvent
from hocbaso.records.models import YearlyRecord
from hocbaso.records.names_order import name_key

pytestmark = pytest.mark.django_db


def _client(user, language="vi"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _book(client, school_class, term="hk2"):
    url = reverse("school:markbook", args=[school_class.pk])
    return client.get(url, {"term": term})


def _cells(book, line, code):
    """The cells of one subject on one line, by its column headings."""
    start = 0
    for group in book.groups:
        if group.code == code:
            end = start + len(group.headings)
            return dict(zip(group.headings, line.cells[start:end], strict=True))
        start += len(group.headings)
    raise AssertionError(code)


def test_the_mark_book_shows_a_primary_class_marks_by_subject_name(district):
    cls = district.primary
    page = _book(_client(district.homeroom(cls)), cls)
    assert page.status_code == 200
    book = page.context["book"]
    text = page.content.decode()
    assert "Tiếng Việt" in text and "Âm nhạc" in text and "Đạo đức" in text
    record = YearlyRecord.objects.get(pk=book.lines[0].record_id)
    toan = record.assessments.get(subject_code="TOAN", term="hk2").data
    cells = _cells(book, book.lines[0], "TOAN")
    assert cells["Mức đạt được"].text == toan["level"]
    assert cells["Điểm KT"].text == str(toan["score"])
    assert cells["Điểm KT"].numeric
    assert "Hoàn thành tốt" in text  # the legend says what T means


def test_the_mark_book_shows_lower_secondary_marks_with_one_decimal(district):
    cls = district.secondary
    page = _book(_client(district.homeroom(cls)), cls, term="hk1")
    book = page.context["book"]
    line = book.lines[0]
    record = YearlyRecord.objects.get(pk=line.record_id)
    raw = record.assessments.get(subject_code="TOAN", term="hk1").data
    cells = _cells(book, line, "TOAN")
    assert cells["GK"].text == f"{float(raw['gk']):.1f}".replace(".", ",")
    assert cells["CK"].text == f"{float(raw['ck']):.1f}".replace(".", ",")
    assert cells["TX1"].text == f"{float(raw['tx'][0]):.1f}".replace(".", ",")
    average = record.results["subjects"]["TOAN"]["hk1"]
    assert cells["Học kì"].text == average.replace(".", ",")
    assert "Khoa học tự nhiên" in page.content.decode()
    assert "Đánh giá giữa kì" in page.content.decode()  # GK in the legend


def test_the_mark_book_lists_pupils_in_class_order_and_is_audited(district):
    cls = district.primary
    before = AccessEvent.objects.count()
    book = _book(_client(district.homeroom(cls)), cls).context["book"]
    names = [line.name for line in book.lines]
    assert names == sorted(names, key=name_key)
    assert [line.number for line in book.lines] == list(range(1, len(names) + 1))
    # One event for the page, naming every pupil shown.
    assert AccessEvent.objects.count() - before == 1
    event = AccessEvent.objects.latest("pk")
    assert len(event.detail["shown"]) == len(names)


def test_the_mark_book_opens_to_subject_teachers_and_the_principal(district):
    cls = district.secondary
    for user in (district.subject_teachers(cls)[0], district.leader(cls)):
        assert _book(_client(user), cls).status_code == 200


def test_the_mark_book_refuses_another_school_and_a_wrong_term(district):
    outsider = _client(district.homeroom(district.other_primary))
    assert _book(outsider, district.primary).status_code == 404
    page = _book(_client(district.homeroom(district.primary)), district.primary, "hk3")
    assert page.status_code == 400
    assert "học kì" in page.content.decode()


def _signers_url(cls):
    return reverse("school:signers", args=[cls.school_year_id, cls.school_id])


def test_the_principal_sees_who_signed_and_who_is_waiting(district):
    cls = district.secondary
    page = _client(district.leader(cls)).get(_signers_url(cls))
    assert page.status_code == 200
    item = next(c for c in page.context["classes"] if c.school_class == cls)
    subjects, homeroom, leader = item.slots[:-2], item.slots[-2], item.slots[-1]
    assert subjects and all(s.person for s in subjects)
    # Drafts block everyone; the homeroom teacher also waits on the subjects,
    # each named once however many records are unsigned.
    assert item.drafts and all(s.state == "blocked" for s in item.slots)
    waits = [r for r in homeroom.reasons if r.startswith("chờ")]
    assert len(waits) == 1
    for slot in subjects:
        assert waits[0].count(slot.role) == 1
    assert any(homeroom.role in r for r in leader.reasons)


def test_a_finalised_class_waits_for_its_first_signer_only(district):
    cls = district.secondary
    YearlyRecord.objects.filter(school_class=cls, status="draft").delete()
    page = _client(district.leader(cls)).get(_signers_url(cls))
    item = next(c for c in page.context["classes"] if c.school_class == cls)
    assert {s.state for s in item.slots[:-2]} == {"waiting"}
    assert item.slots[-2].state == item.slots[-1].state == "blocked"


def test_teachers_and_other_schools_may_not_see_the_signing_progress(district):
    cls = district.primary
    assert _client(district.homeroom(cls)).get(_signers_url(cls)).status_code == 403
    other = district.leader(district.other_primary)
    assert _client(other).get(_signers_url(cls)).status_code == 403


def test_every_class_page_lists_pupils_in_class_order(district):
    cls = district.primary
    page = _client(district.homeroom(cls)).get(reverse("school:class", args=[cls.pk]))
    names = [r.record.transcript.student.full_name for r in page.context["rows"]]
    assert names == sorted(names, key=name_key)
    assert names != sorted(names) or len(set(n.split()[-1] for n in names)) == 1
