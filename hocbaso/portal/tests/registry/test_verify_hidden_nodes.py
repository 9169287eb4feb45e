"""The public verify page reads an uploaded packet as it was signed: a name split by
a comment (every signature still valid under C14N) is invalid, said in Vietnamese."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocbaso.registry.models import Blob, Submission

pytestmark = pytest.mark.django_db


def _commented(packet: bytes) -> bytes:
    match = re.search(rb"<hovaten>([^<]*) ([^< ]+)</hovaten>", packet)
    assert match is not None
    return packet[: match.end(1)] + b"<!-- -->" + packet[match.end(1) :]


def test_an_uploaded_packet_with_a_comment_in_a_value_is_invalid(registry, client):
    sub = Submission.objects.filter(record=registry.effective, state="accepted").get()
    packet = bytes(Blob.objects.get(pk=sub.blob_id).data)

    response = client.post(
        reverse("portal:verify"),
        {"file": SimpleUploadedFile("packet.xml", _commented(packet))},
    )

    html = response.content.decode()
    assert 'id="verdict">không hợp lệ' in html
    assert "chú thích XML" in html
