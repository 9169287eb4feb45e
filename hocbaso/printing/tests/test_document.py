"""A transcript's printout and soft copy from its signed packets (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hocbaso.printing import (
    RenderError,
    attached_packets,
    check_url_for,
    samples,
    snapshot_digest,
    verify_pdf,
)
from hocbaso.printing.document import marks_from_packet, read_packet, transcript_pdf
from hocbaso.printing.pool import PrintJob, PrintPool, SealFiles
from hocbaso.printing.softcopy import PdfSealSigner
from hocbaso.printing.tests.helpers import CHECK_BASE, NOW, flat, page_texts
from hocbaso.signing import Role, Status, TrustStore, verify_packet
from hocbaso.signing.pki import DemoPki


@pytest.fixture(scope="module")
def pages():
    return samples.secondary_transcript()[-2:]


@pytest.fixture(scope="module")
def packets(pages, pki: DemoPki) -> list[bytes]:
    return samples.signed_packets(pages, pki)


@pytest.fixture(scope="module")
def store(pki: DemoPki, tmp_path_factory) -> TrustStore:
    path = tmp_path_factory.mktemp("trust")
    pki.write_trust_directory(path)
    return TrustStore.from_directory(path)


def test_the_marks_are_read_from_the_signatures(pages, packets) -> None:
    page = pages[-1]
    marks = marks_from_packet(packets[-1])
    teachers = page.subject_teachers()
    assert [m.role for m in marks] == [Role.SUBJECT_TEACHER] * len(teachers) + [
        Role.HOMEROOM_TEACHER,
        Role.LEADER,
        Role.SEAL,
    ]
    assert [m.name for m in marks[: len(teachers)]] == [t.name for t in teachers]
    assert [m.identifier for m in marks[: len(teachers)]] == [
        t.personal_id for t in teachers
    ]
    assert marks[-2].name == page.leader.name
    assert (marks[-1].name, marks[-1].identifier) == (
        page.school.name,
        page.school.code,
    )
    assert {m.issuer for m in marks} == {"Hocbaso Demo Issuing CA"}
    assert {m.signed_at.isoformat() for m in marks} == {"2025-06-25T09:30:00+07:00"}


def test_the_sample_packets_verify(packets, store) -> None:
    snapshot = read_packet(packets[-1]).snapshot
    moment = marks_from_packet(packets[-1])[-1].signed_at
    result = verify_packet(packets[-1], store, at=moment)
    assert result.status is Status.VALID, result.failures
    assert snapshot.school_year == "2024-2025"


def test_the_soft_copy_carries_the_packets_and_verifies(
    pages, packets, pki: DemoPki, store, tmp_path: Path
) -> None:
    code = pages[0].lookup_code
    credential = pki.organisation("Sở Giáo dục và Đào tạo Hà Nội", "01")
    seal = PdfSealSigner.from_pkcs12_file(_p12(credential, tmp_path), b"pw")
    pdf = transcript_pdf(
        packets[::-1],  # any order: the pages follow the school years
        lookup_code=code,
        check_url=check_url_for(CHECK_BASE, code),
        record_notes=["Ghi chú B.", "Ghi chú A."],
        seal=seal,
        location="Hà Nội",
        signing_time=NOW,  # the demo PKI is frozen at NOW
    )
    assert attached_packets(pdf) == [
        ("hocba-2023-2024.xml", packets[0]),
        ("hocba-2024-2025.xml", packets[1]),
    ]
    result = verify_pdf(pdf, store, at=NOW)
    assert result.status is Status.VALID, result.failures
    texts = page_texts(pdf, tmp_path)
    assert "Ghi chú A." in texts[3] and "Ghi chú B." in texts[5]
    assert f"Mã kiểm tra nội dung: {snapshot_digest(pages)}" in flat(texts[0])
    assert "Người ký: Phan Thị Mai" in flat(" ".join(texts))


def _p12(credential, tmp_path: Path) -> Path:
    path = tmp_path / "seal.p12"
    path.write_bytes(credential.to_pkcs12(b"pw"))
    return path


@pytest.mark.parametrize(
    "data",
    [
        b"not xml",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>',
    ],
)
def test_a_packet_that_is_not_a_record_is_refused(data: bytes) -> None:
    with pytest.raises(RenderError, match="not a readable record"):
        read_packet(data)


def test_notes_must_match_the_packets(pages, packets) -> None:
    code = pages[0].lookup_code
    with pytest.raises(RenderError, match="one note per packet"):
        transcript_pdf(
            packets,
            lookup_code=code,
            check_url=check_url_for(CHECK_BASE, code),
            record_notes=["only one"],
        )


def test_the_pool_in_process_prints_and_reports_failures(pages, packets) -> None:
    code = pages[0].lookup_code
    url = check_url_for(CHECK_BASE, code)
    jobs = [
        PrintJob("good", code, url, tuple(packets)),
        PrintJob("bad", code, url, (b"not xml",)),
    ]
    with PrintPool(0) as pool:
        results = {job.key: (pdf, error) for job, pdf, error in pool.run(jobs)}
    assert results["good"][0].startswith(b"%PDF") and results["good"][1] is None
    assert results["bad"][0] is None and "not a readable record" in results["bad"][1]


def test_a_seal_that_cannot_be_loaded_is_refused(tmp_path: Path) -> None:
    from hocbaso.printing import SoftCopyError

    with pytest.raises(SoftCopyError, match="cannot be loaded"):
        SealFiles(key_pem=str(tmp_path / "none.pem"), chain_pem="x").load()
