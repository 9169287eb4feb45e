"""The verify page in Vietnamese: every reason of a bad copy, not only the verdict.

The signing core reports a reason as an English template with its values; the
page translates the template and fills it in after, so a sentence with a
certificate's name or an element's Id still reads in Vietnamese.
"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocbaso.registry.models import Blob, Submission
from hocbaso.registry.tests.helpers import tamper
from hocbaso.signing import TrustStore
from hocbaso.tests.test_vietnamese_pages import english_in

pytestmark = pytest.mark.django_db

VERIFY = reverse("portal:verify")


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


def _stored(record) -> bytes:
    sub = Submission.objects.filter(record=record, state="accepted").latest(
        "accepted_at"
    )
    return bytes(Blob.objects.get(pk=sub.blob_id).data)


def _page_text(client, data: bytes) -> str:
    response = client.post(VERIFY, {"file": SimpleUploadedFile("p.xml", data)})
    assert response.status_code == 200
    parser = _Visible()
    parser.feed(response.content.decode())
    return " ".join(parser.text)


def _forged(packet: bytes) -> bytes:
    """The first signature's value with one byte changed: a forged signature."""
    match = re.search(rb"<(?:\w+:)?SignatureValue[^>]*>([^<]+)<", packet)
    assert match is not None
    value = bytearray(base64.b64decode(match.group(1)))
    value[10] ^= 0x01
    return packet[: match.start(1)] + base64.b64encode(value) + packet[match.end(1) :]


def test_a_tampered_packet_shows_only_vietnamese_reasons(registry, client):
    text = _page_text(client, tamper(_stored(registry.effective)))
    assert "không hợp lệ" in text
    assert "đã bị thay đổi sau khi ký" in text
    assert not english_in(text), english_in(text)


def test_a_forged_signature_shows_only_vietnamese_reasons(registry, client):
    text = _page_text(client, _forged(_stored(registry.effective)))
    assert "không hợp lệ" in text
    assert not english_in(text), english_in(text)


def test_an_untrusted_ca_shows_only_vietnamese_reasons(registry, client, monkeypatch):
    nobody = TrustStore(())
    monkeypatch.setattr("hocbaso.portal.verification.trust_store", lambda: nobody)
    text = _page_text(client, _stored(registry.effective))
    assert "không xác định được" in text
    assert not english_in(text), english_in(text)
