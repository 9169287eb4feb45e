"""The preferences page (/me/notices/): only a citizen's own, linked from their
transcripts page; every kind on once an address is given; the notices sent."""

from __future__ import annotations

import re

import pytest

from hocbaso.notices import confirming
from hocbaso.notices.models import Kind, Notice, Preference
from hocbaso.portal.citizen import consent

pytestmark = pytest.mark.django_db
URL = "/me/notices/"


def test_the_parents_page_links_to_the_notices(client, parent):
    client.force_login(parent.user)

    page = client.get("/me/").content.decode()

    assert f'href="{URL}"' in page
    assert "Thông báo qua thư điện tử" in page


def test_an_address_given_turns_every_kind_on_once_its_code_is_typed_back(
    client, parent, smtp, django_capture_on_commit_callbacks
):
    Preference.objects.filter(account=parent).delete()
    client.force_login(parent.user)
    form = client.get(URL).content.decode()
    ticked = re.findall(r'<input type="checkbox"[^>]*\bchecked\b', form)
    assert len(ticked) == 4  # each kind ticked until unticked

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {"email": " Me.An@Example.VN ", **{k: "on" for k in Kind.values[:4]}},
        )

    assert response.status_code == 302
    pref = Preference.objects.get(account=parent)
    assert pref.email == "me.an@example.vn"
    assert not pref.wants(Kind.EFFECTIVE)  # not before the code is typed back
    (mail,) = smtp.to("me.an@example.vn")
    assert mail.subject == "Học bạ số: mã xác nhận địa chỉ thư điện tử của bạn"
    code = re.search(r"[0-9A-Z]{5}-[0-9A-Z]{5}", mail.body).group(0)

    client.post(URL, {"confirm": "1", "code": code.lower()})

    pref.refresh_from_db()
    assert all(pref.wants(k) for k in (Kind.EFFECTIVE, Kind.LOOKUP, Kind.SHARE))


def test_a_wrong_code_or_a_code_of_another_address_confirms_nothing(client, parent):
    Preference.objects.filter(account=parent).update(
        email="khac@example.vn", confirmed=""
    )
    client.force_login(parent.user)
    other = confirming.code_for(parent.pk, "me.an@example.vn")

    for typed in ("AAAAA-BBBBB", other):
        response = client.post(URL, {"confirm": "1", "code": typed})
        assert response.status_code == 400
        assert "Đây không phải mã đã gửi đến khac@example.vn" in (
            response.content.decode()
        )

    assert not Preference.objects.get(account=parent).is_confirmed


def test_a_kind_switched_off_stays_off(client, parent):
    client.force_login(parent.user)

    client.post(URL, {"email": "me.an@example.vn", "effective": "on"})

    pref = Preference.objects.get(account=parent)
    assert pref.wants(Kind.EFFECTIVE) and not pref.wants(Kind.LOOKUP)


def test_a_bad_address_is_refused_in_vietnamese_and_nothing_saved(client, parent):
    client.force_login(parent.user)

    response = client.post(URL, {"email": "me.an@example.vn\nBcc: x@y.vn"})

    assert response.status_code == 400
    assert "Địa chỉ thư điện tử không hợp lệ" in response.content.decode()
    assert Preference.objects.get(account=parent).email == "me.an@example.vn"


def test_the_page_lists_the_notices_sent_to_this_login_only(
    client, parent, pupil_record
):
    for n, account in enumerate((parent, None)):
        Notice.objects.create(
            key=f"test:{n}",
            kind=Kind.LOOKUP,
            recipient="me.an@example.vn" if account else "other@example.vn",
            account=account,
            transcript=pupil_record.transcript,
            subject=f"Tiêu đề {n}",
            body="…",
            sent_at="2026-06-30T10:00:00Z",
        )
    client.force_login(parent.user)

    page = client.get(URL).content.decode()

    assert "Tiêu đề 0" in page and "Tiêu đề 1" not in page
    assert "máy chủ thư không nhận thư" in page  # not delivered


def test_someone_not_logged_in_is_sent_to_the_login(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"] == "/me/login/"


def test_staff_are_refused(client, district, pupil_record):
    client.force_login(district.user(pupil_record.school))

    response = client.post(URL, {"email": "x@example.vn"})

    assert response.status_code == 403
    assert not Preference.objects.filter(email="x@example.vn").exists()


def test_the_page_names_the_children_nothing_is_sent_about(
    client, parent, pupil_record
):
    student = pupil_record.transcript.student
    client.force_login(parent.user)
    assert 'id="without-consent"' not in client.get(URL).content.decode()

    consent.decide(parent, student, "notifications", given=False)
    page = client.get(URL).content.decode()

    assert f"Không gửi thông báo nào về {student.full_name}" in page


def test_reading_the_page_changes_nothing(client, parent):
    client.force_login(parent.user)

    assert client.get(URL).status_code == 200

    pref = Preference.objects.get(account=parent)
    assert pref.email == "me.an@example.vn" and pref.is_confirmed
