"""A hostile soft copy is refused promptly, in Vietnamese, with a stable code."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocbaso.printing import PdfSealSigner, samples, sign_pdf
from hocbaso.printing.tests.helpers import NOW, render
from hocbaso.printing.tests.test_upload_budget import leaves, shared_tree, with_tree
from hocbaso.signing import KeyFileSigner
from hocbaso.signing.pki import DemoPki, create_demo_pki

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pki() -> DemoPki:
    return create_demo_pki(now=NOW)


@pytest.fixture(autouse=True)
def trusted(pki: DemoPki, settings, tmp_path) -> None:
    pem = pki.root.certificate.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "root.pem").write_bytes(pem)
    settings.HOCBASO_TRUST_STORE = str(tmp_path)


@pytest.fixture(scope="module")
def signed(pki: DemoPki) -> bytes:
    seal = pki.organisation("Trường Tiểu học A", "01")
    return sign_pdf(
        render(samples.primary_transcript()).pdf,
        PdfSealSigner(KeyFileSigner(seal.key, seal.chain)),
        attachments=[("hocba.xml", b"<a/>")],
        reason="Bản sao điện tử học bạ",
        location="Hà Nội",
        signing_time=NOW,
    )


def test_the_page_refuses_a_tree_sharing_its_nodes(client, signed: bytes) -> None:
    hostile = with_tree(signed, shared_tree)
    response = client.post(
        reverse("portal:verify"), {"file": SimpleUploadedFile("x.pdf", hostile)}
    )
    assert response.status_code == 400
    assert "Tệp bị từ chối: cây tệp đính kèm dùng lại cùng một nút" in (
        response.content.decode()
    )


def test_the_api_refuses_many_attachments_with_a_stable_code(
    client, signed: bytes
) -> None:
    hostile = with_tree(signed, lambda w: leaves(w, 200))
    response = client.post(
        "/api/v1/portal/verify", {"file": SimpleUploadedFile("x.pdf", hostile)}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "PDF_TOO_MANY_ATTACHMENTS"
    assert body["error"] == "Tệp bị từ chối: tệp có hơn 32 tệp đính kèm."
