"""The printed form and the soft copy of a transcript as the registry holds it.

Acceptance (docs/printing.md): the soft copy's signature verifies with poppler's pdfsig
trusting the demo CA, its attached packets verify with xmlsec1, the QR code decodes
with zbarimg to the check URL, pdftotext reads correct Vietnamese, and a doctored
copy fails. The registry is the portal tests' signed district (conftest.py).
"""

from __future__ import annotations

import shutil
import stat
import subprocess
import unicodedata
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.test import RequestFactory
from lxml import etree

from hocbaso.packet import NAMESPACE
from hocbaso.packet.layout import ID_ELEMENTS
from hocbaso.portal import documents
from hocbaso.portal.models import AccessEvent
from hocbaso.printing import attached_packets, verify_pdf
from hocbaso.printing.document import marks_from_packet
from hocbaso.records.keys import KeyDirectory
from hocbaso.records.models import Student
from hocbaso.registry.models import Blob, Submission
from hocbaso.registry.verification import trust_store
from hocbaso.signing import Role, Status, verify_packet

pytestmark = pytest.mark.django_db
DS = "http://www.w3.org/2000/09/xmldsig#"
PUBLIC = "https://hocba.example.vn/"


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: run scripts/system-deps"
    return found


def run(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, check=check
    )


@pytest.fixture(scope="module")
def soft_copy(registry, django_db_blocker) -> bytes:
    """The primary transcript's soft copy, made once for the module."""
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(
            DATA_DIR=registry.district.root,
            HOCBASO_TRUST_STORE=registry.district.trust_dir,
            HOCBASO_PUBLIC_URL=PUBLIC,
        ),
    ):
        # in a savepoint rolled back: no access event outlives the module
        with transaction.atomic():
            pdf = documents.soft_copy_pdf(registry.primary_transcript)
            transaction.set_rollback(True)
        return pdf


@pytest.fixture
def events():
    """The access events written during the test (others share the package)."""
    last = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return lambda: AccessEvent.objects.filter(pk__gt=last or 0)


def current_packets(transcript) -> list[bytes]:
    rows = Submission.objects.filter(
        record__transcript=transcript, state=Submission.State.ACCEPTED
    ).order_by("school_year__name")
    return [bytes(Blob.objects.get(pk=s.blob_id).data) for s in rows]


# --- what is printed ---------------------------------------------------------------


def test_the_soft_copy_carries_the_registrys_current_packets(
    registry, soft_copy
) -> None:
    transcript = registry.primary_transcript
    attached = [data for _, data in attached_packets(soft_copy)]
    assert attached == current_packets(transcript)
    # the record was replaced: the replacement is attached, not the first version
    superseded = Submission.objects.get(
        record=registry.effective, state=Submission.State.SUPERSEDED
    )
    assert bytes(Blob.objects.get(pk=superseded.blob_id).data) not in attached


def test_it_prints_from_the_registry_not_from_the_school_side_rows(
    registry, tmp_path
) -> None:
    transcript = registry.primary_transcript
    name = transcript.student.full_name
    # The identity a locked record carries cannot change (docs/security.md); the
    # family's details still do, and the printed form shows the mother's name.
    Student.objects.filter(pk=transcript.student_id).update(mother_name="Tên Đã Đổi")
    pdf = documents.printed_pdf(transcript)
    text = pdf_text(pdf, tmp_path)
    assert name in text and "Tên Đã Đổi" not in text


def test_the_printed_form_is_unsigned_and_carries_no_packets(registry) -> None:
    pdf = documents.printed_pdf(registry.secondary_transcript)
    assert attached_packets(pdf) == []
    assert verify_pdf(pdf, trust_store()).status is Status.INVALID  # no signature


def test_each_year_prints_its_legal_status(registry, soft_copy, tmp_path) -> None:
    locked = registry.locked_at.astimezone(documents.VIETNAM).strftime("%d/%m/%Y")
    text = flat(pdf_text(soft_copy, tmp_path))
    assert f"Tình trạng: có hiệu lực từ ngày {locked} (dữ liệu đã khóa)." in text
    pending = flat(
        pdf_text(documents.printed_pdf(registry.secondary_transcript), tmp_path)
    )
    assert "chưa khóa, chưa có hiệu lực." in pending
    assert "In từ cơ sở dữ liệu học bạ số lúc" in pending


def test_the_signature_blocks_name_the_registrys_signers(registry, tmp_path) -> None:
    packet = current_packets(registry.secondary_transcript)[0]
    marks = marks_from_packet(packet)
    roles = [m.role for m in marks]
    assert roles[-2:] == [Role.LEADER, Role.SEAL]
    assert Role.HOMEROOM_TEACHER in roles and Role.SUBJECT_TEACHER in roles
    text = flat(
        pdf_text(documents.printed_pdf(registry.secondary_transcript), tmp_path)
    )
    for mark in marks:
        assert mark.name in text
    local = marks[-1].signed_at.astimezone(documents.VIETNAM)
    assert f"Thời gian ký: {local:%d/%m/%Y %H:%M:%S} (GMT+7)" in text
    assert "Chứng thư số do Hocbaso Demo Issuing CA cấp" in text


def test_a_transcript_with_nothing_in_the_registry_is_refused(registry, events) -> None:
    transcript = registry.revoked.transcript
    with pytest.raises(
        documents.NothingToPrintError, match="no record in the registry"
    ):
        documents.soft_copy_pdf(transcript)
    assert not events().exists()


# --- the audit trail ---------------------------------------------------------------


def test_every_document_is_audited_without_the_code(registry, events) -> None:
    transcript = registry.secondary_transcript
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    request.user = type("Anon", (), {"is_authenticated": False})()
    documents.soft_copy_pdf(
        transcript, request=request, purpose="Hồ sơ tuyển sinh", organisation="THPT X"
    )
    documents.printed_pdf(transcript)
    written = list(events().order_by("pk"))
    assert [(e.action, e.transcript) for e in written] == [
        ("download", transcript),
        ("print", transcript),
    ]
    assert written[0].purpose == "Hồ sơ tuyển sinh"
    assert written[0].organisation == "THPT X"
    assert written[0].client  # a keyed hash of the address
    assert written[0].detail == {"document": "soft_copy"}
    for event in written:
        stored = f"{event.detail} {event.purpose} {event.actor_label} {event.client}"
        assert transcript.lookup_code not in stored


# --- the seal ----------------------------------------------------------------------


def test_the_demo_seal_is_issued_once_and_loaded_once(registry, soft_copy) -> None:
    pair = documents.demo_seal_pair()
    assert pair.exists()
    assert stat.S_IMODE(pair.key.stat().st_mode) == 0o600
    first = pair.certificate()
    assert documents.registry_seal() is documents.registry_seal()
    assert pair.certificate() == first
    assert "Cơ sở dữ liệu học bạ số" in first.subject.rfc4514_string()


def test_a_seal_about_to_expire_is_issued_again(registry, soft_copy) -> None:
    pair = documents.demo_seal_pair()
    old = pair.certificate()
    documents.seal_source(now=old.not_valid_after_utc - timedelta(days=2))
    assert pair.certificate().serial_number != old.serial_number


def test_a_production_seal_comes_from_a_pkcs12_file(
    registry, settings, tmp_path, monkeypatch
) -> None:
    pki = KeyDirectory(registry.district.root / "pki").load_ca()
    credential = pki.organisation("Sở Giáo dục và Đào tạo Hà Nội", "01")
    p12 = tmp_path / "seal.p12"
    p12.write_bytes(credential.to_pkcs12(b"mat khau"))
    settings.HOCBASO_SEAL_P12 = str(p12)
    monkeypatch.setenv("HOCBASO_SEAL_PASSWORD", "mat khau")
    pdf = documents.soft_copy_pdf(registry.secondary_transcript)
    result = verify_pdf(pdf, trust_store())
    assert result.status is Status.VALID, result.failures
    assert result.signatures[0].organisation == "Sở Giáo dục và Đào tạo Hà Nội"
    monkeypatch.setenv("HOCBASO_SEAL_PASSWORD", "sai")
    with pytest.raises(documents.SealUnavailableError, match="cannot be loaded"):
        documents.soft_copy_pdf(registry.secondary_transcript)


def test_without_a_seal_or_a_ca_the_soft_copy_is_refused(
    registry, settings, tmp_path, events
) -> None:
    settings.DATA_DIR = tmp_path
    with pytest.raises(documents.SealUnavailableError, match="HOCBASO_SEAL_P12"):
        documents.soft_copy_pdf(registry.secondary_transcript)
    assert not events().exists()


# --- acceptance: pdfsig, xmlsec1, zbarimg, pdftotext ----------------------------------


def test_our_verifier_finds_the_soft_copy_valid(registry, soft_copy) -> None:
    result = verify_pdf(soft_copy, trust_store())
    assert result.status is Status.VALID, result.failures
    assert {c.name for c in result.checks} >= {"integrity", "chain", "content"}
    at = registry.district.signed_at
    for _, packet in result.attachments:
        checked = verify_packet(packet, trust_store(), at=at + timedelta(hours=2))
        assert checked.status is Status.VALID, checked.failures


@pytest.fixture
def nss(registry, tmp_path) -> str:
    """An NSS database trusting the demo root CA, for pdfsig."""
    folder = tmp_path / "nss"
    folder.mkdir()
    certutil = tool("certutil")
    run(certutil, "-N", "-d", f"sql:{folder}", "--empty-password")
    root = registry.district.trust_dir / "root.pem"
    run(
        certutil,
        "-A",
        "-d",
        f"sql:{folder}",
        "-n",
        "demo-root",
        "-t",
        "CT,C,C",
        "-i",
        str(root),
    )
    issuing = registry.district.trust_dir / "issuing-ca.pem"
    run(
        certutil,
        "-A",
        "-d",
        f"sql:{folder}",
        "-n",
        "demo-issuing",
        "-t",
        ",,",
        "-i",
        str(issuing),
    )
    return f"sql:{folder}"


# pdfsig runs without -no-ocsp: poppler 22.12 then reports "Unknown issue with
# Certificate" for any chain; the demo certificates name no OCSP responder, so
# nothing is fetched either way (the tests stay offline).


def test_pdfsig_verifies_the_signature_and_trusts_the_demo_ca(
    soft_copy, nss, tmp_path
) -> None:
    path = tmp_path / "soft.pdf"
    path.write_bytes(soft_copy)
    out = run(tool("pdfsig"), "-nssdir", nss, str(path)).stdout
    assert "Signature Validation: Signature is Valid." in out
    assert "Certificate Validation: Certificate is Trusted." in out
    assert "Total document signed" in out
    assert "Signature Type: ETSI.CAdES.detached" in out


def doctored(pdf: bytes) -> bytes:
    """The soft copy with the printed digest changed (same length): the kind of
    edit a forger makes to the text, in the signed bytes."""
    marker = b"hocbaso-digest:"
    at = pdf.index(marker) + len(marker)
    flipped = b"0" if pdf[at : at + 1] != b"0" else b"1"
    return pdf[:at] + flipped + pdf[at + 1 :]


def test_a_doctored_copy_fails_pdfsig_and_our_verifier(
    soft_copy, nss, tmp_path
) -> None:
    bad = doctored(soft_copy)
    assert len(bad) == len(soft_copy) and bad != soft_copy
    path = tmp_path / "bad.pdf"
    path.write_bytes(bad)
    out = run(tool("pdfsig"), "-nssdir", nss, str(path), check=False).stdout
    assert "Signature is Valid." not in out
    assert "Signature Validation:" in out
    result = verify_pdf(bad, trust_store())
    assert result.status is Status.INVALID
    assert "integrity" in {c.name for c in result.failures}


def test_xmlsec1_verifies_every_signature_of_the_attached_packets(
    registry, soft_copy, tmp_path
) -> None:
    trust = registry.district.trust_dir
    at = (registry.district.signed_at + timedelta(hours=2)).astimezone(UTC)
    id_attrs = [f"{NAMESPACE}:{name}" for name in ID_ELEMENTS]
    id_attrs += [f"{DS}:Signature", f"{DS}:Object"]
    verified = 0
    for name, packet in attached_packets(soft_copy):
        file = tmp_path / name
        file.write_bytes(packet)
        for signature in etree.fromstring(packet).iter(f"{{{DS}}}Signature"):
            command = [
                tool("xmlsec1"),
                "--verify",
                "--trusted-pem",
                str(trust / "root.pem"),
                "--untrusted-pem",
                str(trust / "issuing-ca.pem"),
                "--enabled-reference-uris",
                "same-doc",
                "--node-id",
                signature.get("Id"),
                "--verification-time",
                f"{at:%Y-%m-%d %H:%M:%S}",
            ]
            for attr in id_attrs:
                command += ["--id-attr:Id", attr]
            done = run(*command, str(file), check=False)
            assert done.returncode == 0, (signature.get("Id"), done.stderr)
            verified += 1
    # primary: homeroom teacher, principal and seal sign each record
    packets = [p for _, p in attached_packets(soft_copy)]
    assert verified == sum(len(marks_from_packet(p)) for p in packets) >= 3


def test_the_qr_code_of_every_page_decodes_to_the_check_url(
    registry, soft_copy, tmp_path
) -> None:
    path = tmp_path / "soft.pdf"
    path.write_bytes(soft_copy)
    # the footer only, at 150 dpi (an A4 page is 1240 x 1754 pixels)
    run(
        tool("pdftoppm"),
        "-r",
        "150",
        "-y",
        "1500",
        "-H",
        "254",
        "-W",
        "1240",
        "-png",
        str(path),
        str(tmp_path / "page"),
    )
    images = sorted(tmp_path.glob("page-*.png"))
    # cover, the form's instructions, identity, then two pages a year
    assert len(images) == 3 + 2 * len(current_packets(registry.primary_transcript))
    expected = PUBLIC + "#" + registry.primary_transcript.lookup_code
    for image in images:
        decoded = run(tool("zbarimg"), "--raw", "-q", str(image)).stdout
        assert decoded.splitlines() == [expected]


def test_pdftotext_reads_correct_vietnamese(registry, soft_copy, tmp_path) -> None:
    text = pdf_text(soft_copy, tmp_path)
    assert unicodedata.is_normalized("NFC", text)
    student = registry.primary_transcript.student
    for words in (
        unicodedata.normalize("NFC", student.full_name),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "HỌC BẠ",
        "TIỂU HỌC",
        "QUÁ TRÌNH HỌC TẬP",
        "1. Các môn học và hoạt động giáo dục",
        "2. Những phẩm chất chủ yếu",
        "3. Những năng lực cốt lõi",
        "Xác nhận của Hiệu trưởng",
    ):
        assert words in text, words


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    return run(tool("pdftotext"), str(path), "-").stdout


def flat(text: str) -> str:
    return " ".join(text.split())
