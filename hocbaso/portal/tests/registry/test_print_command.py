"""``hocbaso print`` and ``hocbaso export`` on the portal tests' signed district."""

from __future__ import annotations

import csv
import io
import stat
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hocbaso.portal.management.commands import export as export_command
from hocbaso.portal.models import AccessEvent
from hocbaso.printing import attached_packets, verify_pdf
from hocbaso.records.models import Transcript
from hocbaso.registry.models import Submission
from hocbaso.registry.verification import trust_store
from hocbaso.signing import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    """The access events written during the test (others share the package)."""
    last = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return lambda: AccessEvent.objects.filter(pk__gt=last or 0)


def printed(*args: str, stdin: str | None = None, monkeypatch=None) -> tuple[str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    call_command("print", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_print_writes_the_signed_soft_copy(registry, tmp_path, events) -> None:
    transcript = registry.primary_transcript
    target = tmp_path / "hb.pdf"
    _, err = printed(transcript.lookup_code, "-o", str(target))
    assert transcript.lookup_code not in err
    assert "signed soft copy" in err and str(target) in err
    result = verify_pdf(target.read_bytes(), trust_store())
    assert result.status is Status.VALID, result.failures
    assert len(result.attachments) == 1
    event = events().get(transcript=transcript)
    assert (event.action, event.actor_kind) == ("print", "system")
    assert event.actor_label.startswith("command by ")
    assert [f.name for f in tmp_path.iterdir()] == ["hb.pdf"]  # no temporary left


def test_print_reads_the_code_from_stdin_and_prints_unsigned(
    registry, tmp_path, monkeypatch, events
) -> None:
    transcript = registry.secondary_transcript
    code = transcript.lookup_code.upper()  # as someone may type it
    spaced = f" {code[:8]}-{code[8:16]} {code[16:]}\n"
    monkeypatch.chdir(tmp_path)
    printed("--unsigned", stdin=spaced, monkeypatch=monkeypatch)
    target = tmp_path / f"hocba-{transcript.student.student_code}.pdf"
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF") and attached_packets(pdf) == []
    assert events().get(transcript=transcript).action == "print"


def test_print_to_stdout(registry, monkeypatch) -> None:
    class Stdout(io.StringIO):
        buffer = io.BytesIO()

    fake = Stdout()
    monkeypatch.setattr(sys, "stdout", fake)
    call_command(
        "print", registry.secondary_transcript.lookup_code, "-o", "-", "--unsigned"
    )
    assert fake.buffer.getvalue().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("code", "returncode", "message"),
    [
        ("not a code", 2, "32 hexadecimal digits"),
        ("0" * 31, 2, "32 hexadecimal digits"),
        ("f" * 32, 3, "No transcript has this lookup code."),
    ],
)
def test_print_refuses_a_wrong_code(
    code, returncode, message, tmp_path, events
) -> None:
    target = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match=message) as caught:
        printed(code, "-o", str(target))
    assert caught.value.returncode == returncode
    assert code not in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    assert not events().exists()


def test_print_refuses_a_transcript_with_nothing_in_the_registry(
    registry, tmp_path
) -> None:
    target = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="no record in the registry") as caught:
        printed(registry.revoked.transcript.lookup_code, "-o", str(target))
    assert caught.value.returncode == 4
    assert list(tmp_path.iterdir()) == []


# --- export --------------------------------------------------------------------------


def exported(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def manifest(archive: zipfile.ZipFile) -> list[dict[str, str]]:
    text = archive.read("manifest.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_of_a_class_zips_every_soft_copy_with_a_manifest(
    registry, tmp_path, events
) -> None:
    district = registry.district
    school_class = district.primary
    target = tmp_path / "lop.zip"
    out, err = exported(
        "--school",
        school_class.school.code,
        "--year",
        district.year.name,
        "--class",
        school_class.name,
        "-o",
        str(target),
        "--workers",
        "2",
    )
    in_class = Transcript.objects.filter(
        yearly_records__school_class=school_class
    ).distinct()
    with_records = in_class.filter(
        yearly_records__registry_submissions__state=Submission.State.ACCEPTED
    ).distinct()
    assert with_records.count() >= 2
    with zipfile.ZipFile(target) as archive:
        rows = manifest(archive)
        assert len(rows) == in_class.count()
        ok = [r for r in rows if r["status"] == "ok"]
        assert len(ok) == with_records.count()
        assert {r["student_code"] for r in ok} == {
            t.student.student_code for t in with_records
        }
        for row in rows:
            assert row["class"] == school_class.name
            if row["status"] != "ok":
                assert row == {**row, "file": "", "status": "nothing in the registry"}
        for row in ok:
            pdf = archive.read(row["file"])
            result = verify_pdf(pdf, trust_store())
            assert result.status is Status.VALID, result.failures
        assert sorted(archive.namelist()) == sorted(
            ["manifest.csv", *(r["file"] for r in ok)]
        )
    assert f"{len(ok)} transcripts exported" in out
    assert f"{len(ok)}/{len(rows)}" in err or f"{len(rows)}/{len(rows)}" in err
    exports = events().filter(action="export")
    assert exports.count() == len(ok)
    assert {e.transcript_id for e in exports} == {t.pk for t in with_records}
    assert list(tmp_path.iterdir()) == [target]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # pupils' data: owner only
    for transcript in with_records:
        assert transcript.lookup_code not in out + err


def test_the_names_in_the_zip_are_ascii() -> None:
    assert export_command.slug("Đinh Quỳnh Anh") == "Dinh-Quynh-Anh"
    assert export_command.slug("6A1/ x") == "6A1-x"


def test_export_of_a_school_in_this_process_unsigned(registry, tmp_path) -> None:
    school = registry.district.secondary.school
    target = tmp_path / "truong.zip"
    exported("--school", school.code, "-o", str(target), "--workers", "0", "--unsigned")
    with zipfile.ZipFile(target) as archive:
        rows = manifest(archive)
        assert len(rows) == Transcript.objects.filter(school=school).count()
        ok = [r for r in rows if r["status"] == "ok"]
        assert ok  # the pending record's transcript
        for row in ok:
            assert attached_packets(archive.read(row["file"])) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--school", "KHONGCO"], "There is no school KHONGCO"),
        (["--year", "1999-2000"], "There is no school year 1999-2000"),
        (["--class", "9Z9"], "The school has no class 9Z9"),
        (["--workers", "-1"], "--workers must be 0 or more"),
    ],
)
def test_export_refuses_bad_arguments(registry, tmp_path, args, message) -> None:
    base = ["--school", registry.district.primary.school.code]
    with pytest.raises(CommandError, match=message) as caught:
        exported(*base, *args, "-o", str(tmp_path / "x.zip"))
    assert caught.value.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_an_output_that_is_not_a_zip(registry, tmp_path) -> None:
    with pytest.raises(CommandError, match=r"\.zip"):
        exported("--school", "X", "-o", str(tmp_path / "x.tar"))


def test_a_failed_export_leaves_nothing_half_written(
    registry, tmp_path, monkeypatch, events
) -> None:
    target = tmp_path / "x.zip"
    target.write_bytes(b"an earlier export")
    calls = []

    def fail_after_one(self, jobs):
        for job in jobs:
            if calls:
                raise OSError("disk full")
            calls.append(job)
            yield job, b"%PDF-1.7 ...", None

    monkeypatch.setattr(export_command.PrintPool, "run", fail_after_one)
    school = registry.district.primary.school
    with pytest.raises(CommandError, match="disk full") as caught:
        exported("--school", school.code, "-o", str(target), "--workers", "0")
    assert caught.value.returncode == 5
    assert target.read_bytes() == b"an earlier export"  # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["x.zip"]  # no .part left
    assert not events().filter(action="export").exists()


def test_progress_is_one_line_per_tenth_off_a_terminal() -> None:
    from django.core.management.base import OutputWrapper

    out = io.StringIO()
    progress = export_command.Progress(OutputWrapper(out), 20)
    for _ in range(20):
        progress.step()
    lines = out.getvalue().splitlines()
    # the first transcript, then one line per tenth
    assert len(lines) == 11 and lines[-1].startswith("[" + "#" * 30 + "] 20/20")
    assert lines[0].startswith("[" + "#" + "." * 29 + "] 1/20")


def test_files_in_the_zip_are_named_by_class_code_and_name(registry) -> None:
    transcript = registry.primary_transcript
    entry = export_command.Entry(transcript, "4A1")
    student = transcript.student
    assert entry.file_name == (
        f"hocba_4A1_{export_command.slug(student.student_code)}_"
        f"{export_command.slug(student.full_name)}.pdf"
    )
    assert Path(entry.file_name).name == entry.file_name
