"""Re-timestamping an archive of soft copies: due copies renewed in .pdf files and
inside .zip files, the others untouched, a bad file reported and left whole."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from hocbaso.printing import PdfSealSigner, PrintingError
from hocbaso.printing.archive import renew_configured_archive, retimestamp_archive
from hocbaso.printing.longterm import document_timestamps
from hocbaso.printing.tests.helpers import NOW, Rendered
from hocbaso.printing.tests.test_long_term import data_at, tsa_at
from hocbaso.printing.tests.test_softcopy import soft_copy
from hocbaso.signing import KeyFileSigner
from hocbaso.signing.pki import DemoPki
from hocbaso.signing.tests.tsa import LocalTimestampAuthority

LATER = NOW + timedelta(days=30)


@pytest.fixture(scope="module")
def due_copy(secondary: Rendered, seal: KeyFileSigner, pki: DemoPki) -> bytes:
    """A B-LTA copy whose TSA certificate expires 100 days after NOW."""
    short = LocalTimestampAuthority(tsa_at(pki, "Short TSA", NOW, 100), NOW)
    return soft_copy(
        secondary,
        PdfSealSigner(seal),
        timestamp_authority=short,
        validation=data_at(pki, NOW),
    )


@pytest.fixture(scope="module")
def plain_copy(secondary: Rendered, seal: KeyFileSigner) -> bytes:
    return soft_copy(secondary, PdfSealSigner(seal))  # B-B: nothing to extend


@pytest.fixture(scope="module")
def renewer(pki: DemoPki) -> LocalTimestampAuthority:
    return LocalTimestampAuthority(tsa_at(pki, "Long TSA", LATER, 3000), LATER)


def archive(folder: Path, due_copy: bytes, plain_copy: bytes) -> Path:
    (folder / "year").mkdir()
    (folder / "year" / "due.pdf").write_bytes(due_copy)
    (folder / "plain.pdf").write_bytes(plain_copy)
    (folder / "broken.pdf").write_bytes(due_copy[:5000])
    with zipfile.ZipFile(folder / "export.zip", "w") as out:
        out.writestr("a/due.pdf", due_copy)
        out.writestr("manifest.csv", "code,file\n")
    return folder


def test_it_renews_the_due_copies_of_files_and_zips_and_reports_the_rest(
    tmp_path: Path,
    due_copy: bytes,
    plain_copy: bytes,
    pki: DemoPki,
    renewer: LocalTimestampAuthority,
) -> None:
    folder = archive(tmp_path, due_copy, plain_copy)
    report = retimestamp_archive(
        folder, renewer, data_at(pki, LATER), now=LATER, within_days=180
    )
    assert report.renewed == ["export.zip!a/due.pdf", "due.pdf"]
    assert report.current == ["plain.pdf"]
    assert [name for name, _ in report.failed] == ["broken.pdf"]
    renewed = (folder / "year" / "due.pdf").read_bytes()
    stamps = document_timestamps(renewed)
    assert [moment for moment, _ in stamps] == [NOW, LATER]
    assert stamps[-1][1] == renewer.credential.certificate
    assert renewed.startswith(due_copy)  # an incremental update
    with zipfile.ZipFile(folder / "export.zip") as kept:
        assert kept.read("manifest.csv") == b"code,file\n"
        assert len(document_timestamps(kept.read("a/due.pdf"))) == 2
    assert (folder / "plain.pdf").read_bytes() == plain_copy
    assert (folder / "broken.pdf").read_bytes() == due_copy[:5000]
    assert sorted(p.name for p in folder.rglob("*.tmp")) == []


def test_a_copy_not_yet_due_is_left_as_it_is(
    tmp_path: Path,
    due_copy: bytes,
    pki: DemoPki,
    renewer: LocalTimestampAuthority,
) -> None:
    (tmp_path / "due.pdf").write_bytes(due_copy)
    report = retimestamp_archive(
        tmp_path, renewer, data_at(pki, LATER), now=LATER, within_days=30
    )
    assert report.current == ["due.pdf"] and report.renewed == []
    assert (tmp_path / "due.pdf").read_bytes() == due_copy


def test_the_configured_archive_refuses_a_missing_folder_or_trust_store(
    tmp_path: Path,
) -> None:
    with pytest.raises(PrintingError, match="does not exist"):
        renew_configured_archive(
            tmp_path / "none",
            tsa_url="http://127.0.0.1:9/tsa",
            trust_store=tmp_path,
            now=NOW,
        )
    with pytest.raises(PrintingError, match="cannot be re-timestamped"):
        renew_configured_archive(
            tmp_path,
            tsa_url="http://127.0.0.1:9/tsa",
            trust_store=tmp_path / "x",
            now=NOW,
        )
