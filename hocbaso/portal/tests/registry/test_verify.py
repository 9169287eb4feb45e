"""The verify page: soft copies, packets and printouts; tampered and hostile files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocbaso.portal import verification
from hocbaso.portal.models import AccessEvent
from hocbaso.registry.models import Blob, Submission
from hocbaso.registry.tests.helpers import tamper

pytestmark = pytest.mark.django_db

VERIFY = reverse("portal:verify")


def _stored(record, state="accepted") -> bytes:
    sub = Submission.objects.filter(record=record, state=state).latest("accepted_at")
    return bytes(Blob.objects.get(pk=sub.blob_id).data)


def _upload(client, data: bytes, name="packet.xml"):
    return client.post(VERIFY, {"file": SimpleUploadedFile(name, data)})


def test_the_registry_packet_of_an_effective_record_is_valid(registry, client):
    response = _upload(client, _stored(registry.effective))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="verdict">hợp lệ' in html
    assert "Có hiệu lực từ" in html
    event = AccessEvent.objects.get(action="verify")
    assert event.transcript == registry.primary_transcript
    assert event.detail == {"kind": "xml", "status": "valid"}


def test_a_tampered_packet_is_invalid_and_the_page_says_what_differs(registry, client):
    report = verification.verify_upload(tamper(_stored(registry.effective)))
    assert report.status.value == "invalid"
    failed = {c.name for c in report.failures}
    assert "integrity" in failed and "registry" in failed
    (finding,) = report.packets
    assert [d.field for d in finding.differences] == ["student.full_name"]
    html = _upload(client, tamper(_stored(registry.effective))).content.decode()
    assert 'id="verdict">không hợp lệ' in html
    # the field by its name, not the packet's id for it
    assert "họ và tên khác với bản đăng ký" in html
    assert "student.full_name" not in html


def test_a_replaced_version_is_invalid_with_its_status(registry, client):
    report = verification.verify_upload(_stored(registry.effective, "superseded"))
    assert report.status.value == "invalid"
    (registry_check,) = [c for c in report.checks if c.name == "registry"]
    assert "Replaced on" in registry_check.reason
    (finding,) = report.packets
    assert finding.page.standing == "superseded" and not finding.differences


def test_a_pending_record_is_indeterminate(registry):
    report = verification.verify_upload(_stored(registry.pending))
    assert report.status.value == "indeterminate"


def test_the_signed_soft_copy_is_valid_and_a_doctored_one_is_not(registry, client):
    from hocbaso.portal.documents import soft_copy_pdf

    pdf = soft_copy_pdf(registry.primary_transcript)
    report = verification.verify_upload(pdf)
    assert report.status.value == "valid", [(c.name, c.reason) for c in report.failures]
    assert {"integrity", "registry", "ledger"} <= {c.name for c in report.checks}
    doctored = _change_a_packet(pdf)
    bad = verification.verify_upload(doctored)
    assert bad.status.value == "invalid"
    assert "integrity" in {c.name for c in bad.failures}
    html = _upload(client, pdf, "hocba.pdf").content.decode()
    assert 'id="verdict">hợp lệ' in html


def _change_a_packet(pdf: bytes) -> bytes:
    """The soft copy with one byte of a content stream changed after signing."""
    at = pdf.index(b"stream", len(pdf) // 3) + 20
    return pdf[:at] + bytes([pdf[at] ^ 1]) + pdf[at + 1 :]


def test_a_printout_is_checked_by_its_code_and_digest(registry):
    from hocbaso.portal.registry_view import registry_transcript
    from hocbaso.printing import snapshot_digest

    view = registry_transcript(registry.primary_transcript)
    digest = snapshot_digest([p.snapshot for p in view.pages])
    url = "http://127.0.0.1:8000/#" + registry.primary_transcript.lookup_code
    assert verification.verify_printout(url, digest).status.value == "valid"
    wrong = verification.verify_printout(url, "0" * 16)
    assert wrong.status.value == "invalid"
    assert "does not match" in wrong.failures[0].reason
    assert verification.verify_printout("f" * 32, digest).transcript is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"GIF89a not a transcript", "không phải bản sao điện tử PDF"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
            "DTD hoặc thực thể",
        ),
    ],
)
def test_hostile_uploads_get_a_clear_message(registry, client, data, words):
    response = _upload(client, data)
    assert response.status_code == 400
    assert words in response.content.decode()


def test_an_upload_larger_than_any_copy_is_refused(registry, client, monkeypatch):
    monkeypatch.setattr(verification, "MAX_UPLOAD_BYTES", 100)
    # past the largest copy: the read stops as the file streams in (limits.py)
    response = _upload(client, b"%PDF-" + b"0" * 200, "big.pdf")
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.content.decode()
    # A body far larger than any copy is refused before it is read.
    huge = _upload(client, b"%PDF-" + b"0" * 200_000, "huge.pdf")
    assert huge.status_code == 413
    assert "Tệp quá lớn" in huge.content.decode()


def test_the_form_asks_for_a_file_or_a_code(client, db):
    response = client.post(VERIFY, {})
    assert response.status_code == 400
    assert "Hãy chọn tệp cần xác minh" in response.content.decode()


def test_the_digest_printed_on_the_real_printout_checks_out(registry):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    from hocbaso.portal.documents import printed_pdf
    from hocbaso.printing.render import DIGEST_KEYWORD

    pdf = printed_pdf(registry.secondary_transcript)
    info = PdfFileReader(io.BytesIO(pdf)).trailer_view["/Info"].get_object()
    (digest,) = [
        word[len(DIGEST_KEYWORD) :]
        for word in str(info["/Keywords"]).replace(",", " ").split()
        if word.startswith(DIGEST_KEYWORD)
    ]
    code = registry.secondary_transcript.lookup_code
    report = verification.verify_printout(code, digest)
    assert report.status.value == "indeterminate"  # the record is not locked yet
    (content,) = [c for c in report.checks if c.name == "content"]
    assert content.ok
