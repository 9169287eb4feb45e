"""Correction after the lock through the pages (docs/school.md, "Correction after
the lock"): the school's request, the approver's decision, the version signed with
the demo keys, its issue, the lookup; the refusals; one row per pupil-year."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hocbaso.portal.models import AccessEvent
from hocbaso.records.models import Appointment, Role, YearlyRecord
from hocbaso.registry.models import Correction, Submission
from hocbaso.rollout.figures import figures_by_round
from hocbaso.rollout.results import statistics
from hocbaso.school.tests.units import test_locked_records
from hocbaso.school.tests.units.test_locked_records import sent

pytestmark = pytest.mark.django_db
locked_class = test_locked_records.locked_class
NEW_NAME = "Nguyễn Thị Đổi Tên"
EVIDENCE = b"%PDF-1.7 quyet dinh"


def _client(user, language="vi") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _officer(district, role=Role.DEPARTMENT_OFFICER, **where):
    found = Appointment.objects.filter(role=role, school_year=district.year, **where)
    return found.select_related("person__user").first().person.user


def _request(client, record, **extra):
    data = {
        "reason": "Sai họ tên theo giấy khai sinh.",
        "evidence": SimpleUploadedFile("../../quyết định.pdf", EVIDENCE),
        "full_name": NEW_NAME,
        "confirm": "on",
        **extra,
    }
    url = reverse("school:correction_request", args=[record.pk])
    return client.post(url, data)


def _decide(client, correction, district, **extra):
    day = timezone.localdate(district.now).strftime("%d/%m/%Y")
    data = {
        "decision": "approve",
        "number": "125/QĐ-SGDĐT",
        "date": day,
        "signer": "Giám đốc Sở",
        "confirm": "on",
        **extra,
    }
    url = reverse("school:correction_decide", args=[correction.public_id])
    return client.post(url, data)


@pytest.fixture
def requested(district, locked_class):
    cls = locked_class[0]
    record = sent(cls).order_by("pk").first()
    principal = _client(district.leader(cls))
    response = _request(principal, record)
    assert response.status_code == 302, response.content.decode()[:2000]
    return record, principal, Correction.objects.get(record=record)


def test_the_whole_correction_through_the_pages(district, locked_class, requested):
    cls, homeroom, leader, _lock = locked_class
    record, principal, correction = requested
    assert correction.identity == {"full_name": NEW_NAME}
    assert correction.evidence_name == "quyết định.pdf"
    page = principal.get(reverse("school:correction", args=[correction.public_id]))
    assert "Đã đề nghị, chờ quyết định" in page.content.decode()
    officer = _client(_officer(district))
    pending = officer.get(reverse("school:corrections")).content.decode()
    assert correction.public_id in pending and "Lý do đính chính" in pending
    _evidence_is_audited(officer, correction)
    assert _decide(officer, correction, district).status_code == 302
    correction.refresh_from_db()
    version = correction.version
    assert correction.state == "approved" and version.corrects_id == record.pk
    _class_shows_the_pupil_once(homeroom.client, cls, record, version)
    _sign_the_version(homeroom, leader, cls, version)
    status = principal.get(reverse("school:correction", args=[correction.public_id]))
    assert "Phát hành bản đính chính" in status.content.decode()
    issue = reverse("school:correction_issue", args=[correction.public_id])
    principal.post(issue, {"confirm": "on"})
    correction.refresh_from_db()
    assert correction.state == "issued"
    assert correction.issued.supersedes_id == correction.locked_id
    _lookup_shows_current_and_history(record, correction)
    _counts_count_the_pupil_once(district, cls)


def _evidence_is_audited(client, correction):
    before = AccessEvent.objects.filter(purpose="correction evidence").count()
    url = reverse("school:correction_evidence", args=[correction.public_id])
    response = client.get(url)
    assert response.content == EVIDENCE
    assert response["Content-Type"] == "application/octet-stream"
    assert "attachment" in response["Content-Disposition"]
    after = AccessEvent.objects.filter(purpose="correction evidence").count()
    assert after == before + 1


def _class_shows_the_pupil_once(client, cls, record, version):
    page = client.get(reverse("school:class", args=[cls.pk])).content.decode()
    assert f'data-record="{version.pk}"' in page
    assert f'data-record="{record.pk}"' not in page
    client.cookies["django_language"] = "vi"
    page = client.get(reverse("school:class", args=[cls.pk])).content.decode()
    assert "bản đính chính" in page
    client.cookies["django_language"] = "en"
    book = client.get(reverse("school:markbook", args=[cls.pk]) + "?term=hk2")
    lines = book.context["book"].lines
    assert (
        len(lines)
        == YearlyRecord.objects.filter(
            school_class=cls, corrected_by__isnull=True
        ).count()
    )
    assert record.pk not in [line.record_id for line in lines]


def _sign_the_version(homeroom, leader, cls, version):
    homeroom.client.post(reverse("school:finalise", args=[cls.pk]), {"confirm": "yes"})
    homeroom.run(homeroom.create("homeroom", [cls], mode="demo")["batch"])
    done = leader.run(leader.create("issue", [cls], mode="demo")["batch"])
    # The class's other drafts, finalised and issued with it, are refused by the
    # locked round, one problem each; the version is not sent at all.
    others = YearlyRecord.objects.filter(
        school_class=cls, status="issued", corrects__isnull=True
    ).exclude(registry_submissions__isnull=False)
    assert len(done["items"][0]["error"].split("; ")) == others.count()
    version.refresh_from_db()
    assert version.status == "issued"
    # the batch does not send the version: the correction's page issues it
    assert not Submission.objects.filter(record=version).exists()


def _lookup_shows_current_and_history(record, correction):
    code = record.transcript.lookup_code
    page = Client().post(reverse("portal:lookup"), {"code": code})
    text = page.content.decode()
    assert NEW_NAME in text and "125/QĐ-SGDĐT" in text


def _counts_count_the_pupil_once(district, cls):
    pupils = YearlyRecord.objects.filter(
        school_class=cls, corrected_by__isnull=True
    ).count()
    schools = type(cls.school).objects.filter(pk=cls.school_id)
    figures = figures_by_round(schools, district.year, "school_class")["main"]
    mine = figures[cls.pk]
    assert mine.records == pupils and mine.locked == mine.accepted == 3
    table = statistics(schools, district.year, "", "class")
    row = next(r for r in table.levels["primary"] if r.class_name == cls.name)
    assert row.pupils == pupils


def test_a_teacher_cannot_request(district, locked_class):
    cls = locked_class[0]
    record = sent(cls).first()
    teacher = _client(district.homeroom(cls))
    assert _request(teacher, record).status_code == 403
    assert not Correction.objects.exists()


def test_a_bad_request_writes_nothing_and_says_why(district, locked_class):
    cls = locked_class[0]
    record = sent(cls).first()
    principal = _client(district.leader(cls))
    empty = _request(principal, record, evidence=SimpleUploadedFile("a.pdf", b""))
    assert "evidence" in empty.context["form"].errors
    unconfirmed = _request(principal, record, confirm="")
    assert unconfirmed.status_code == 200
    assert not Correction.objects.exists()


def test_the_school_cannot_approve(district, requested):
    _record, principal, correction = requested
    assert _decide(principal, correction, district).status_code == 403
    correction.refresh_from_db()
    assert correction.state == "requested"


def test_another_unit_is_refused(district, requested, settings):
    settings.HOCBASO_CORRECTION_APPROVER = "unit"
    record, _principal, correction = requested
    today = timezone.localdate(district.now)
    other = district.other_primary.school.unit_on(today)
    assert other != record.school.unit_on(today)
    stranger = _client(_officer(district, Role.UNIT_OFFICER, unit=other))
    assert _decide(stranger, correction, district).status_code == 403
    evidence = reverse("school:correction_evidence", args=[correction.public_id])
    assert stranger.get(evidence).status_code == 404
    pending = stranger.get(reverse("school:corrections")).content.decode()
    assert correction.public_id not in pending
    correction.refresh_from_db()
    assert correction.state == "requested"


def test_a_refusal_needs_its_reason(district, requested):
    _record, _principal, correction = requested
    officer = _client(_officer(district))
    answer = _decide(officer, correction, district, decision="refuse", reason="")
    assert "Từ chối phải nêu lý do." in answer.content.decode()
    correction.refresh_from_db()
    assert correction.state == "requested"
    _decide(officer, correction, district, decision="refuse", reason="Không đủ căn cứ.")
    correction.refresh_from_db()
    assert correction.state == "refused" and correction.version is None


def test_the_corrected_identity_reads_by_field_names(district, requested):
    record, principal, correction = requested
    page = principal.get(reverse("school:correction", args=[correction.public_id]))
    html = page.content.decode()
    line = html[html.index('<li class="identity-change">') :]
    line = line[: line.index("</li>")]
    before = record.transcript.student.full_name
    text = line.replace("</span>", "")
    for tag in (
        '<li class="identity-change">',
        '<span class="old">',
        '<span class="new">',
    ):
        text = text.replace(tag, "")
    assert text == f"Họ và tên: {before} → {NEW_NAME}"
    assert "full_name" not in html
