"""The transcript on screen for its family (/me/transcripts/<pk>/): the public
lookup's view of what the registry holds, behind the same visibility check as
the soft copy, each reading audited once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from hocbaso.portal import purposes
from hocbaso.portal.citizen.models import CitizenAccount, Guardianship, Relation
from hocbaso.portal.citizen.tests.conftest import OTHER_PARENT, PARENT
from hocbaso.portal.models import AccessAction, AccessEvent, ActorKind
from hocbaso.records.models import (
    Appointment,
    RecordStatus,
    Role,
    Transcript,
    YearlyRecord,
)
from hocbaso.registry import actions
from hocbaso.registry.actors import Actor
from hocbaso.registry.clock import fixed_clock
from hocbaso.registry.holdings import holdings
from hocbaso.registry.models import Submission
from hocbaso.registry.tests.district import _sign_class
from hocbaso.tests.test_vietnamese_pages import english_in

pytestmark = pytest.mark.django_db


def _guard(account, student) -> None:
    Guardianship.objects.create(
        student=student,
        guardian_personal_id=account.personal_id,
        guardian_name=account.full_name,
        relation=Relation.FATHER,
    )


def _citizen(django_user_model, username, person) -> CitizenAccount:
    user = django_user_model.objects.create_user(username)
    return CitizenAccount.objects.create(
        user=user, personal_id=person[0], full_name=person[1]
    )


@pytest.fixture
def parent(signed_registry, client, django_user_model):
    """A parent of the primary pupil (effective years) and of the secondary
    pupils (one year awaiting the lock, one revoked)."""
    account = _citizen(django_user_model, "transcript-page-parent", PARENT)
    for record in (
        signed_registry.effective,
        signed_registry.pending,
        signed_registry.revoked,
    ):
        _guard(account, record.transcript.student)
    client.force_login(account.user)
    return account


def _url(transcript) -> str:
    return f"/me/transcripts/{transcript.pk}/"


def _reads(transcript):
    return AccessEvent.objects.filter(
        transcript=transcript, purpose=purposes.FAMILY_READ
    )


def test_the_parent_reads_every_year_as_the_lookup_shows_it(
    client, parent, signed_registry
):
    transcript = signed_registry.primary_transcript
    response = client.get(_url(transcript))
    assert response.status_code == 200
    html = response.content.decode()
    held = holdings().of_transcript(transcript)
    assert held.pages
    with translation.override("vi"):
        # the lookup's own partial, rendered from the registry's holding
        assert render_to_string("portal/_transcript.html", {"view": held}) in html
        for page in held.pages:
            assert f'id="sub-{page.public_id}"' in html
            assert escape(page.status_text) in html
            for line in page.signatures:
                assert escape(line.signer) in html
    locked = timezone.localtime(signed_registry.locked_at)
    assert f"Có hiệu lực từ ngày {locked:%d/%m/%Y}" in html
    assert transcript.lookup_code not in html


def test_a_year_awaiting_the_lock_and_a_revoked_year_say_so(
    client, parent, signed_registry
):
    pending = client.get(_url(signed_registry.pending.transcript)).content.decode()
    assert 'data-standing="accepted"' in pending
    assert "Đã nộp ngày" in pending and "chưa khóa" in pending
    revoked = client.get(_url(signed_registry.revoked.transcript)).content.decode()
    assert 'data-standing="revoked"' in revoked
    assert "Đã thu hồi ngày" in revoked
    assert escape("Nộp nhầm hồ sơ") in revoked  # the school's reason


def test_a_transcript_the_registry_holds_nothing_of_says_so(
    client, parent, signed_registry
):
    sent = Submission.objects.values("record__transcript")
    transcript = Transcript.objects.exclude(pk__in=sent).order_by("pk")[0]
    _guard(parent, transcript.student)
    html = client.get(_url(transcript)).content.decode()
    assert 'id="nothing-held"' in html
    assert "chưa có bản ghi nào của học bạ này" in html
    assert 'id="transcript"' not in html  # no lookup view of the school's rows
    assert _reads(transcript).count() == 1


def test_each_view_writes_one_access_row_the_family_sees_by_its_label(
    client, parent, signed_registry
):
    transcript = signed_registry.primary_transcript
    client.get(_url(transcript))
    [event] = _reads(transcript)
    assert event.action == AccessAction.VIEW
    assert event.actor_kind == ActorKind.CITIZEN
    assert event.actor_user == parent.user
    assert event.detail == {"purpose": purposes.FAMILY_READ}
    response = client.get(_url(transcript))
    assert _reads(transcript).count() == 2
    assert "no-store" in response["Cache-Control"]  # a family's page, never kept
    home = client.get("/me/").content.decode()
    assert "học sinh hoặc gia đình xem trên trang của mình" in home


def test_a_page_that_fails_to_render_leaves_no_access_row(
    client, parent, signed_registry, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the template failed")

    monkeypatch.setattr("hocbaso.portal.citizen.views.render", broken)
    with pytest.raises(RuntimeError):
        client.get(_url(signed_registry.primary_transcript))
    assert not _reads(signed_registry.primary_transcript).exists()


def test_a_parent_of_another_pupil_gets_the_answer_of_a_missing_transcript(
    client, signed_registry, django_user_model
):
    other = _citizen(django_user_model, "transcript-page-other", OTHER_PARENT)
    _guard(other, signed_registry.pending.transcript.student)
    client.force_login(other.user)
    theirs = client.get(_url(signed_registry.pending.transcript))
    assert theirs.status_code == 200
    someone_elses = client.get(_url(signed_registry.primary_transcript))
    missing = client.get("/me/transcripts/999999999/")
    assert someone_elses.status_code == missing.status_code == 404
    assert someone_elses.content == missing.content
    assert not _reads(signed_registry.primary_transcript).exists()


def test_anonymous_visitors_are_sent_to_the_citizen_login(client, signed_registry):
    response = client.get(_url(signed_registry.primary_transcript))
    assert response.status_code == 302
    assert response["Location"] == "/me/login/"
    assert not AccessEvent.objects.filter(purpose=purposes.FAMILY_READ).exists()


def test_staff_without_a_citizen_account_cannot_use_it(
    client, signed_registry, django_user_model
):
    staff = django_user_model.objects.create_user("transcript-page-staff")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    response = client.get(_url(signed_registry.primary_transcript))
    assert response.status_code == 403
    assert not AccessEvent.objects.filter(purpose=purposes.FAMILY_READ).exists()


def test_the_parents_page_links_each_child_and_writes_grade_and_class_together(
    client, parent, signed_registry
):
    html = client.get("/me/").content.decode()
    record = signed_registry.effective
    assert '<th role="columnheader">Khối / Lớp</th>' in html
    grade_class = f"{record.grade} / {record.school_class.name}"
    cell = (
        f'class="grade-class figures inline" data-label="Khối / Lớp">{grade_class}</td>'
    )
    assert cell in html
    for shown in (record, signed_registry.pending, signed_registry.revoked):
        assert f'href="{_url(shown.transcript)}' in html


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


@pytest.mark.parametrize("which", ["effective", "pending", "revoked"])
def test_the_page_shows_no_english(client, parent, signed_registry, which):
    transcript = getattr(signed_registry, which).transcript
    parser = _Visible()
    parser.feed(client.get(_url(transcript)).content.decode())
    assert english_in(" ".join(parser.text)) == set()


DECISION = "125/QĐ-SGDĐT"


def _correct_after_the_lock(registry) -> Submission:
    """The effective record corrected by the legal procedure: request, the
    department's decision, the next version signed and issued."""
    district, locked = registry.district, registry.effective
    later = fixed_clock(registry.locked_at + dt.timedelta(days=1))
    clerk = Actor.of_user(district.user(locked.school))
    officer = Appointment.objects.filter(
        role=Role.DEPARTMENT_OFFICER, school_year=district.year
    ).select_related("person__user")[0]
    correction = actions.request_correction(
        Submission.objects.get(record=locked, state="accepted").public_id,
        school=locked.school,
        actor=clerk,
        reason="Sai họ tên theo giấy khai sinh.",
        evidence=b"%PDF-1.7 quyet dinh dieu chinh",
        evidence_name="quyet-dinh.pdf",
        clock=later,
    )
    correction = actions.decide_correction(
        correction.public_id,
        actor=Actor.of_user(officer.person.user),
        approve=True,
        number=DECISION,
        date=later().date(),
        signer="Giám đốc Sở",
        clock=later,
    )
    version = correction.version
    YearlyRecord.objects.filter(pk=version.pk).update(status=RecordStatus.FINALISED)
    # the package's district is shared: sign the version on a copy of it
    signing = dataclasses.replace(
        district, signed_at=registry.locked_at + dt.timedelta(hours=20)
    )
    _sign_class(signing, version.school_class)
    version.refresh_from_db()
    issued = actions.issue_correction(
        correction.public_id,
        bytes(version.packet.data),
        school=version.school,
        actor=clerk,
        clock=later,
    )
    return Submission.objects.get(pk=issued.issued.pk)


def test_a_year_superseded_by_a_correction_decision_names_the_decision(
    client, parent, signed_registry
):
    new = _correct_after_the_lock(signed_registry)
    html = client.get(_url(signed_registry.primary_transcript)).content.decode()
    assert f'id="sub-{new.public_id}"' in html  # the corrected version, current
    assert 'data-standing="superseded"' in html  # the locked one, among earlier
    assert escape(DECISION) in html
    assert f'href="#sub-{new.public_id}"' in html
