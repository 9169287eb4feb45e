"""`hocbaso retimestamp FOLDER`: the archive's due copies get a new document
timestamp from the configured TSA (over HTTP), with the trust store's CRLs."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from hocbaso.printing import PdfSealSigner, sign_pdf
from hocbaso.printing.longterm import ValidationData, document_timestamps
from hocbaso.printing.render import render_transcript
from hocbaso.printing.samples import SECONDARY_CODE, secondary_transcript
from hocbaso.signing import KeyFileSigner, TrustStore
from hocbaso.signing.pki import _name, create_demo_pki
from hocbaso.signing.tests.tsa import HttpTimestampServer, LocalTimestampAuthority


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A demo PKI, its trust directory, and a B-LTA copy whose TSA certificate
    expires in 100 days."""
    pki = create_demo_pki()
    trust = tmp_path_factory.mktemp("trust")
    pki.write_trust_directory(trust)
    now = datetime.now(UTC).replace(microsecond=0)
    short = pki.issuing.issue(
        _name("Short TSA", organisation="Short TSA"),
        key_usage="timestamping",
        valid_from=now - timedelta(days=1),
        valid_days=100,
    )
    pages = secondary_transcript()[-1:]
    pdf = render_transcript(
        pages, lookup_code=SECONDARY_CODE, check_url="https://h.example.vn/#x"
    )
    credential = pki.organisation("Sở Giáo dục và Đào tạo", "SO")
    seal = PdfSealSigner(KeyFileSigner(credential.key, credential.chain))
    copy = sign_pdf(
        pdf,
        seal,
        attachments=[],
        reason="Bản sao",
        location="Hà Nội",
        timestamp_authority=LocalTimestampAuthority(short, now),
        validation=ValidationData.from_trust_store(TrustStore.from_directory(trust)),
    )
    renewer = pki.issuing.issue(
        _name("Long TSA", organisation="Long TSA"), key_usage="timestamping"
    )
    return trust, copy, LocalTimestampAuthority(renewer, now + timedelta(seconds=1))


def test_it_renews_the_due_copies_with_the_configured_tsa(setup, settings, tmp_path):
    trust, copy, renewer = setup
    (tmp_path / "due.pdf").write_bytes(copy)
    out = io.StringIO()
    with HttpTimestampServer(renewer) as server:
        settings.HOCBASO_TSA_URL = server.url
        settings.HOCBASO_TRUST_STORE = trust
        with translation.override("vi"):
            call_command(
                "retimestamp", str(tmp_path), "--within-days", "180", stdout=out
            )
    assert len(document_timestamps((tmp_path / "due.pdf").read_bytes())) == 2
    assert renewer.requests >= 1
    assert "Đã gắn lại dấu thời gian: 1, chưa đến hạn: 0, lỗi: 0." in out.getvalue()


def test_a_copy_not_due_is_not_sent_to_the_tsa(setup, settings, tmp_path):
    trust, copy, _ = setup
    (tmp_path / "due.pdf").write_bytes(copy)
    settings.HOCBASO_TSA_URL = "http://127.0.0.1:9/tsa"  # never reached
    settings.HOCBASO_TRUST_STORE = trust
    call_command(
        "retimestamp", str(tmp_path), "--within-days", "10", stdout=io.StringIO()
    )
    assert (tmp_path / "due.pdf").read_bytes() == copy


def test_without_a_tsa_it_refuses(settings, tmp_path):
    settings.HOCBASO_TSA_URL = ""
    with (
        translation.override("vi"),
        pytest.raises(CommandError, match="Chưa đặt HOCBASO_TSA_URL") as raised,
    ):
        call_command("retimestamp", str(tmp_path))
    assert raised.value.returncode == 2


def test_a_copy_that_cannot_be_renewed_fails_the_command(setup, settings, tmp_path):
    trust, copy, _ = setup
    (tmp_path / "broken.pdf").write_bytes(copy[:4000])
    settings.HOCBASO_TSA_URL = "http://127.0.0.1:9/tsa"
    settings.HOCBASO_TRUST_STORE = trust
    with pytest.raises(CommandError) as raised:
        call_command(
            "retimestamp", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert raised.value.returncode == 1
    assert (tmp_path / "broken.pdf").read_bytes() == copy[:4000]
