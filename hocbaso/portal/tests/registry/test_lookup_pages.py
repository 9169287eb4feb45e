"""The lookup page, the download, the throttle and the audit of every lookup."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hocbaso.portal.models import AccessEvent
from hocbaso.records.models import Transcript

pytestmark = pytest.mark.django_db

LOOKUP = "/"


def _post(client, code, **extra):
    return client.post(LOOKUP, {"code": code, **extra}, REMOTE_ADDR="203.0.113.7")


def _body_without_token(response) -> str:
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_lookup_page_is_the_portal_home_and_reads_a_code_from_the_fragment(
    client, db
):
    response = client.get(reverse("portal:lookup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post"' in html and "lookup.js" in html
    assert "Tra cứu học bạ" in html


def test_a_code_shows_the_transcript_as_the_registry_holds_it(registry, client):
    code = registry.primary_transcript.lookup_code
    response = _post(
        client, code.upper(), organisation="Trường THCS Y", purpose="Tuyển sinh lớp 6"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Có hiệu lực từ" in html
    assert "Đã được thay thế" in html  # the replaced version, with a link
    assert 'href="#sub-' in html
    assert "Đã điều chỉnh nhận xét" in html
    assert "Bằng chứng trong sổ cái" in html
    assert 'ledger-status">đã xác minh' in html
    assert "Tải bản sao điện tử" in html
    event = AccessEvent.objects.get(action="view")
    assert event.transcript == registry.primary_transcript
    assert (event.organisation, event.purpose) == ("Trường THCS Y", "Tuyển sinh lớp 6")
    assert event.actor_kind == "anonymous" and event.client
    assert code not in str(event.detail)


def test_pending_and_revoked_records_say_so_in_plain_words(registry, client):
    html = _post(client, registry.secondary_transcript.lookup_code).content.decode()
    assert "chưa khóa" in html
    html = _post(client, registry.revoked.transcript.lookup_code).content.decode()
    assert "Đã thu hồi" in html and "Nộp nhầm hồ sơ" in html


def test_a_wrong_code_answers_exactly_like_a_code_with_nothing(registry, client):
    nothing = (
        Transcript.objects.exclude(yearly_records__registry_submissions__isnull=False)
        .first()
        .lookup_code
    )
    wrong = "f" * 32
    assert not Transcript.objects.filter(lookup_code=wrong).exists()
    a, b = _post(client, wrong), _post(client, nothing)
    assert a.status_code == b.status_code == 200
    # The form gives the typed code back for correction; nothing else differs.
    assert _body_without_token(a).replace(wrong, "CODE") == _body_without_token(
        b
    ).replace(nothing, "CODE")
    assert "Không tìm thấy học bạ" in a.content.decode()
    failed = AccessEvent.objects.filter(action="lookup_failed")
    assert failed.count() == 2
    assert set(failed.values_list("transcript", flat=True)) == {None}


def test_guessing_is_throttled_per_client_across_processes(registry, client, settings):
    from django.test import Client

    settings.HOCBASO_LOOKUP_FAILURE_LIMIT = 3
    for n in range(3):
        assert _post(client, f"{n:032x}").status_code == 200
    # Another worker process sees the same count: it is in the database.
    other = Client()
    refused = _post(other, registry.primary_transcript.lookup_code)
    assert refused.status_code == 429
    assert "Quá nhiều lần tra cứu" in refused.content.decode()
    # Another client is not affected.
    ok = other.post(
        LOOKUP,
        {"code": registry.primary_transcript.lookup_code},
        REMOTE_ADDR="198.51.100.1",
    )
    assert ok.status_code == 200 and "Có hiệu lực từ" in ok.content.decode()


def test_a_malformed_code_is_a_failed_lookup_too(registry, client):
    response = _post(client, "not a code")
    assert response.status_code == 200
    assert AccessEvent.objects.filter(action="lookup_failed").count() == 1


@pytest.mark.parametrize("method", ["get"])
def test_the_download_takes_the_code_in_the_body_only(registry, client, method):
    response = getattr(client, method)(reverse("portal:download"))
    assert response.status_code == 405


def test_the_download_is_the_signed_soft_copy(registry, client):
    from hocbaso.printing import attached_packets

    code = registry.primary_transcript.lookup_code
    response = client.post(
        reverse("portal:download"), {"code": code, "purpose": "Hồ sơ"}
    )
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    ((name, packet),) = attached_packets(response.content)
    assert name.endswith(".xml") and b"Signature" in packet
    event = AccessEvent.objects.get(action="download")
    assert event.transcript == registry.primary_transcript


def test_a_valid_lookup_builds_no_form_and_is_recorded(registry, client):
    from unittest import mock

    from hocbaso.portal import views

    code = registry.primary_transcript.lookup_code
    with mock.patch.object(views, "LookupForm", wraps=views.LookupForm) as built:
        response = _post(client, code, purpose="Tuyển sinh")
    assert response.status_code == 200 and "Có hiệu lực từ" in response.content.decode()
    assert built.call_count == 0
    (view,) = AccessEvent.objects.filter(action="view")
    assert (view.transcript, view.purpose) == (
        registry.primary_transcript,
        "Tuyển sinh",
    )


@pytest.mark.parametrize(
    ("fields", "sentence", "failed"),
    [
        ({"code": ""}, "Trường này là bắt buộc.", 1),
        ({"code": "abc\x1b"}, "Mã tra cứu chứa ký tự điều khiển hoặc ký tự ẩn", 1),
        (
            {"contact": "tên @ví dụ"},
            "Địa chỉ thư điện tử không hợp lệ: hãy viết theo dạng ten@vidu.vn",
            0,
        ),
    ],
)
def test_a_bad_field_gets_the_forms_vietnamese_sentence(
    registry, client, fields, sentence, failed
):
    code = registry.primary_transcript.lookup_code
    response = client.post(LOOKUP, {"code": code, **fields}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert not AccessEvent.objects.filter(action="view").exists()
    assert AccessEvent.objects.filter(action="lookup_failed").count() == failed
