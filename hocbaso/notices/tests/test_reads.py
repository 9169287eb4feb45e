"""Reads by someone holding a code: the lookup page and share codes. The family is
told who read and why, at most once an hour per reader and five times a day, and
the address a reader leaves is kept in the lookup's audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hocbaso.notices.models import Kind, Notice
from hocbaso.notices.notifying import DAILY_LIMIT
from hocbaso.notices.tests.conftest import PARENT_EMAIL, assert_nothing_personal
from hocbaso.portal.citizen import sharing
from hocbaso.portal.citizen.models import ShareCode
from hocbaso.portal.models import AccessAction, AccessEvent
from hocbaso.registry.tests.helpers import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(district, pupil_record, clerk, clock):
    """The pupil's record accepted by the registry: the lookup finds it."""
    submit(district, pupil_record, clerk, clock)
    return pupil_record.transcript


def _share(account, transcript, recipient: str) -> str:
    """A share code as the family's page makes it (its consent is the citizen
    package's own test)."""
    code = sharing.new_code()
    now = timezone.now()
    share = ShareCode.objects.create(
        account=account,
        transcript=transcript,
        digest=sharing.digest(sharing.normalise(code)),
        hint=code[:5],
        recipient=recipient,
        created_at=now,
        expires_at=now + dt.timedelta(days=10),
    )
    share.records.set(transcript.yearly_records.all())
    return code


def _look_up(client, transcript, capture, **fields):
    data = {"code": transcript.lookup_code, "organisation": "", "purpose": ""}
    data.update(fields)
    with capture(execute=True):
        response = client.post("/", data)
    assert response.status_code == 200, response.content[:400]
    return response


def test_a_lookup_tells_the_parent_who_read_and_why(
    client, held, parent, smtp, django_capture_on_commit_callbacks
):
    _look_up(
        client,
        held,
        django_capture_on_commit_callbacks,
        organisation="Trường THCS Xuân Phương",
        purpose="Tuyển sinh lớp 6",
    )

    (mail,) = smtp.to(PARENT_EMAIL)
    assert mail.subject == f"{held.student.full_name}: học bạ vừa được tra cứu"
    assert "Tổ chức đã khai: Trường THCS Xuân Phương" in mail.body
    assert "Mục đích đã khai: Tuyển sinh lớp 6" in mail.body
    assert_nothing_personal(mail, held)
    notice = Notice.objects.get(account=parent)
    assert notice.kind == Kind.LOOKUP and notice.delivered


def test_the_lookup_code_typed_as_a_purpose_never_reaches_the_family(
    client, held, parent, smtp, django_capture_on_commit_callbacks
):
    code = held.lookup_code
    spaced = " ".join(code[i : i + 4] for i in range(0, 32, 4)).upper()
    _look_up(
        client,
        held,
        django_capture_on_commit_callbacks,
        organisation=f"Mã {code}",
        purpose=f"xem {spaced} tại https://evil.example/x",
    )

    (mail,) = smtp.to(PARENT_EMAIL)
    flat = mail.body.replace(" ", "").lower()
    assert code not in flat
    assert "evil.example" not in mail.body
    assert "[…]" in mail.body


def test_one_reader_is_told_once_an_hour_and_a_family_five_times_a_day(
    client, held, parent, smtp, django_capture_on_commit_callbacks
):
    for _ in range(3):  # the same organisation again and again
        _look_up(client, held, django_capture_on_commit_callbacks, organisation="A")
    assert len(smtp.to(PARENT_EMAIL)) == 1

    for n in range(10):  # a different organisation each time
        _look_up(
            client, held, django_capture_on_commit_callbacks, organisation=f"Org {n}"
        )

    assert len(smtp.to(PARENT_EMAIL)) == DAILY_LIMIT
    reads = AccessEvent.objects.filter(transcript=held, action=AccessAction.VIEW)
    assert reads.count() == 13  # every read stays on the family's list


def test_the_address_a_reader_leaves_is_kept_in_the_audit_row(
    client, held, parent, smtp, django_capture_on_commit_callbacks
):
    _look_up(
        client,
        held,
        django_capture_on_commit_callbacks,
        organisation="Công ty Tuyển dụng B",
        contact="Tuyen.Dung@Example.VN",
    )

    event = AccessEvent.objects.filter(transcript=held).latest("pk")
    assert event.detail["contact"] == "tuyen.dung@example.vn"


def test_a_malformed_reader_address_is_refused_with_a_vietnamese_sentence(
    client, held, parent, smtp
):
    response = client.post(
        "/",
        {"code": held.lookup_code, "contact": "a@b.vn\nBcc: x@y.vn"},
    )

    assert response.status_code == 400
    assert "Địa chỉ thư điện tử không hợp lệ" in response.content.decode()
    assert not AccessEvent.objects.filter(transcript=held).exists()
    assert smtp.messages == []


def test_a_share_code_used_tells_the_parent_to_whom_it_was_given(
    held, parent, smtp, django_capture_on_commit_callbacks
):
    code = _share(parent, held, recipient="Trường THCS Tây Mỗ")
    with django_capture_on_commit_callbacks(execute=True):
        sharing.read_share(
            None,
            code,
            organisation="Trường THCS Tây Mỗ",
            purpose="Tiếp nhận học sinh chuyển trường",
            via="page",
        )

    (mail,) = smtp.to(PARENT_EMAIL)
    assert mail.subject == f"{held.student.full_name}: mã chia sẻ vừa được sử dụng"
    assert "mã chia sẻ bạn đã đưa cho Trường THCS Tây Mỗ" in mail.body
    assert code not in mail.body and code[:5] not in mail.body
    assert_nothing_personal(mail, held)
    assert Notice.objects.get(account=parent).kind == Kind.SHARE


def test_a_refusing_mail_server_does_not_break_the_lookup(
    client, held, parent, smtp, django_capture_on_commit_callbacks
):
    smtp.refuse = True

    response = _look_up(
        client, held, django_capture_on_commit_callbacks, organisation="C"
    )

    assert held.student.full_name in response.content.decode()
    notice = Notice.objects.get(account=parent)
    assert not notice.delivered
    assert AccessEvent.objects.filter(transcript=held).count() == 1
