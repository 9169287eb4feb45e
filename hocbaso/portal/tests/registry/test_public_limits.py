"""The public side's limits by URL: guessing is slowed per client, honest users
are served once their wait is over, an unknown address is one bucket, and a
verification is a lookup that discloses nothing the copy does not hold."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hocbaso.portal import throttle
from hocbaso.portal.audit import record_access
from hocbaso.portal.models import AccessEvent
from hocbaso.registry.models import Blob, Submission

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.HOCBASO_LOOKUP_FAILURE_LIMIT = 3
    settings.HOCBASO_LOOKUP_DELAY_SECONDS = 2
    settings.HOCBASO_LOOKUP_MAX_DELAY_SECONDS = 300


def _post(client, code, address=OFFICE, **extra):
    return client.post("/", {"code": code, **extra}, REMOTE_ADDR=address)


def _past_failures(request_address: str, n: int, seconds_ago: int) -> None:
    from django.test import RequestFactory

    request = RequestFactory().post("/", REMOTE_ADDR=request_address)
    at = timezone.now() - timedelta(seconds=seconds_ago)
    for _ in range(n):
        record_access(request, action="lookup_failed", transcript=None, at=at)


def test_an_office_behind_one_address_is_slowed_then_served(registry, client):
    code = registry.primary_transcript.lookup_code
    # Three typos an hour ago... no, a minute ago: the allowance is used and the
    # wait the third opened (2 s) is long over, so a right code is served.
    _past_failures(OFFICE, 3, seconds_ago=60)
    served = _post(client, code)
    assert served.status_code == 200 and "Có hiệu lực từ" in served.content.decode()
    # One more wrong code opens a wait of 4 s: inside it even a right code waits.
    assert _post(client, "f" * 32).status_code == 200
    waiting = _post(client, code)
    assert waiting.status_code == 429
    assert 1 <= int(waiting["Retry-After"]) <= 4
    assert "vui lòng đợi" in waiting.content.decode()
    # Another client behind another address is not affected.
    assert _post(client, code, address="198.51.100.1").status_code == 200


def test_refusals_are_recorded_but_do_not_lengthen_the_wait(registry, client):
    for n in range(3):
        _post(client, f"{n:032x}")
    before = throttle.allowance_of(AccessEvent.objects.first().client)
    for _ in range(5):
        assert _post(client, "e" * 32).status_code == 429
    after = throttle.allowance_of(before.client)
    assert after.failures == before.failures == 3
    assert after.wait_seconds <= before.wait_seconds
    refused = AccessEvent.objects.filter(detail__has_key="throttled")
    assert refused.count() == 5


def test_each_failure_beyond_the_allowance_doubles_the_wait_up_to_the_cap(settings):
    settings.HOCBASO_LOOKUP_MAX_DELAY_SECONDS = 60
    waits = [throttle.delay_after(n) for n in range(1, 12)]
    assert waits == [0, 0, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    assert throttle.delay_after(10**6) == 60  # no overflow, no huge number


def test_an_unknown_address_is_one_bucket_and_is_throttled(registry, client):
    for n in range(3):
        assert _post(client, f"{n:032x}", address="").status_code == 200
    refused = _post(client, registry.primary_transcript.lookup_code, address="")
    assert refused.status_code == 429
    clients = set(AccessEvent.objects.values_list("client", flat=True))
    assert clients == {"unknown"}


def test_forwarded_addresses_count_only_through_a_trusted_proxy(
    registry, client, settings
):
    settings.HOCBASO_TRUSTED_PROXIES = ("10.0.0.0/8",)
    for n in range(3):  # a guesser rotating the header it writes itself
        client.post(
            "/",
            {"code": f"{n:032x}"},
            REMOTE_ADDR="192.0.2.50",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert _post(client, "a" * 32, address="192.0.2.50").status_code == 429
    # Behind the proxy, each office is its own client: one's typos do not
    # slow another down.
    for n in range(3):
        client.post(
            "/",
            {"code": f"{n:032x}"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9, 203.0.113.200",
        )
    other = client.post(
        "/",
        {"code": registry.primary_transcript.lookup_code},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert other.status_code == 200


# --- verification is a lookup and discloses nothing ------------------------------


def _stored(record) -> bytes:
    sub = Submission.objects.filter(record=record, state="accepted").latest(
        "accepted_at"
    )
    return bytes(Blob.objects.get(pk=sub.blob_id).data)


def _forged(packet: bytes) -> bytes:
    """Someone's packet with the name replaced: what a forger holding the code
    would upload to learn the registry's values."""
    return re.sub(
        rb"<hovaten>[^<]*</hovaten>", "<hovaten>Giả Mạo</hovaten>".encode(), packet
    )


def test_a_forged_copy_learns_what_differs_but_no_registry_value(registry, client):
    packet = _stored(registry.effective)
    real_name = registry.primary_transcript.student.full_name
    page = client.post(
        "/xac-minh/", {"file": SimpleUploadedFile("p.xml", _forged(packet))}
    )
    html = page.content.decode()
    assert 'id="verdict">không hợp lệ' in html
    assert "họ và tên khác với bản đăng ký" in html
    assert real_name not in html
    assert "Có hiệu lực từ" not in html  # the registry's status: only for its bytes
    api = client.post(
        "/api/v1/portal/verify", {"file": SimpleUploadedFile("p.xml", _forged(packet))}
    )
    body = api.json()
    (finding,) = body["packets"]
    assert finding["registry_status"] is None
    assert finding["differences"][0] == {
        "field": "student.full_name",
        "problem": "họ và tên khác với bản đăng ký",
    }
    assert real_name not in api.content.decode()


def test_verification_counts_toward_the_same_limits(registry, client):
    packet = _stored(registry.effective)
    code = registry.primary_transcript.lookup_code.encode()
    unknown, n = re.subn(
        rb"<madinhdanhhocba>[^<]*<",
        b"<madinhdanhhocba>ffffffff-ffff-4fff-bfff-ffffffffffff<",
        packet,
    )
    assert n == 1
    for _ in range(3):
        response = client.post(
            "/xac-minh/",
            {"file": SimpleUploadedFile("p.xml", unknown)},
            REMOTE_ADDR=OFFICE,
        )
        assert response.status_code == 200
    failed = AccessEvent.objects.filter(action="lookup_failed")
    assert failed.count() == 3 and code.decode() not in str(failed[0].detail)
    # The client is now in its wait: verification and lookup alike.
    refused = client.post(
        "/xac-minh/", {"file": SimpleUploadedFile("p.xml", packet)}, REMOTE_ADDR=OFFICE
    )
    assert refused.status_code == 429
    api = client.post(
        "/api/v1/portal/verify",
        {"file": SimpleUploadedFile("p.xml", packet)},
        REMOTE_ADDR=OFFICE,
    )
    assert api.status_code == 429 and api.json()["code"] == "LOOKUP_THROTTLED"
    assert _post(client, code.decode()).status_code == 429


# --- text fields ---------------------------------------------------------------------


def test_a_control_character_in_the_organisation_is_a_clear_error(registry, client):
    code = registry.primary_transcript.lookup_code
    page = _post(client, code, organisation="Trường\x00THCS")
    assert page.status_code == 400
    html = page.content.decode()
    assert "chứa ký tự điều khiển hoặc ký tự ẩn (U+0000 ở vị trí 7)" in html
    api = client.post(
        "/api/v1/portal/lookup",
        json.dumps({"code": code, "organisation": "Trường\x00THCS"}),
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "INVALID_TEXT"
    assert "U+0000" in api.json()["error"]
    # a right-to-left override would make the audit page show another name
    spoofed = _post(client, code, purpose="Tuyển sinh\u202e")
    assert spoofed.status_code == 400
    # nothing was written for the refused text, not even a failed lookup
    assert not AccessEvent.objects.exists()
    long = _post(client, code, organisation="x" * 201)
    assert "quá dài (201 ký tự; tối đa 200)" in long.content.decode()


# --- uploads are refused by size before they are read --------------------------------


class _Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize(
    ("url", "api"), [("/xac-minh/", False), ("/api/v1/portal/verify", True)]
)
def test_an_oversized_upload_is_refused_before_its_body_is_read(
    registry, client, url, api
):
    response = client.generic(
        "POST",
        url,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(400 * 1024 * 1024),
        **{"wsgi.input": _Unreadable()},
    )
    assert response.status_code == 413
    text = response.json()["error"] if api else response.content.decode()
    assert "Tệp quá lớn (400 MiB)" in text
    assert not AccessEvent.objects.exists()


def test_a_file_past_the_largest_copy_stops_the_read_as_it_streams(
    registry, client, monkeypatch
):
    from hocbaso.portal import verification

    monkeypatch.setattr(verification, "MAX_UPLOAD_BYTES", 100)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 5000)
    page = client.post("/xac-minh/", {"file": big})
    assert page.status_code == 413 and "Tệp quá lớn" in page.content.decode()
    big.seek(0)
    api = client.post("/api/v1/portal/verify", {"file": big})
    assert api.status_code == 413 and api.json()["code"] == "UPLOAD_REFUSED"
    assert not AccessEvent.objects.exists()
