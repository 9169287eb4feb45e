"""``hocbaso export``: the signed soft copies of a school, a year or a class, zipped.

    hocbaso export --school CODE [--year 2024-2025] [--class 6A1] -o FILE.zip
                   [--workers 2] [--unsigned]

Scope: without --year, the transcripts the school manages now; with --year, those
with a record at the school that year (in --class if given; --class alone means the
latest year the school had that class). Each transcript becomes one PDF, printed
from the registry's current submissions; manifest.csv lists every student with the
file name and a status (ok, nothing in the registry, or the error). The PDFs are
rendered and signed by worker processes, each loading the seal once; a progress bar
goes to stderr. The zip is written to a temporary file and renamed into place once
complete, so a failed or interrupted run leaves nothing half-written. Every exported
transcript is audited (action export). Exit codes: 0 done (also with some
transcripts empty); 2 bad arguments; 5 the export failed.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.formulas import csv_text as _as_text
from hocbaso.portal import documents
from hocbaso.portal.audit import record_access
from hocbaso.portal.management.commands.print import command_actor
from hocbaso.portal.models import AccessAction, ActorKind
from hocbaso.printing import PrintingError
from hocbaso.printing.pool import PrintJob, PrintPool
from hocbaso.records.models import School, Transcript, YearlyRecord
from hocbaso.registry import lookups
from hocbaso.registry.errors import NotFoundError, RegistryError

EXIT_ARGUMENTS, EXIT_FAILED = 2, 5
# Transcripts whose packets are read from the database at a time.
CHUNK = 100
MANIFEST = "manifest.csv"
STATUS_OK = "ok"
STATUS_EMPTY = "nothing in the registry"


@dataclass(frozen=True)
class Entry:
    """One transcript of the export and where its PDF goes in the zip."""

    transcript: Transcript
    class_name: str

    @property
    def file_name(self) -> str:
        student = self.transcript.student
        return (
            f"hocba_{slug(self.class_name) or 'lop'}_{slug(student.student_code)}_"
            f"{slug(student.full_name)}.pdf"
        )


def slug(value: str) -> str:
    """ASCII for a file name: Vietnamese letters without their marks (đ → d)."""
    value = value.replace("đ", "d").replace("Đ", "D")
    ascii_text = (
        unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    )
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


class Progress:
    """A progress bar on a command's stderr (an OutputWrapper): a redrawn line on a
    terminal, else a line per tenth."""

    def __init__(self, stream, total: int) -> None:
        self.stream, self.total, self.done = stream, total, 0
        self.started = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._last_tenth = -1

    def step(self) -> None:
        self.done += 1
        tenth = self.done * 10 // max(1, self.total)
        if self.tty or tenth != self._last_tenth or self.done == self.total:
            self._last_tenth = tenth
            self._draw()

    def _draw(self) -> None:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate else 0.0
        width = 30
        filled = width * self.done // max(1, self.total)
        bar = "#" * filled + "." * (width - filled)
        remaining = _("left")
        line = (
            f"[{bar}] {self.done}/{self.total} "
            f"{rate:.1f}/s {remaining} {int(left) // 60:02d}:{int(left) % 60:02d}"
        )
        end = "" if self.tty and self.done < self.total else "\n"
        self.stream.write(("\r" if self.tty else "") + line + end, ending="")
        self.stream.flush()


class Command(BaseCommand):
    help = _(
        "Export the signed soft copies of a school's transcripts (a year, a class) "
        "as a zip with a manifest."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--school", required=True, help=_("the school's code"))
        parser.add_argument("--year", help=_("school year, such as 2024-2025"))
        parser.add_argument("--class", dest="class_name", help=_("class, such as 6A1"))
        parser.add_argument(
            "-o", "--output", required=True, help=_("the zip file to write")
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help=_("worker processes (default: one per core; 0: none)"),
        )
        parser.add_argument(
            "--unsigned",
            action="store_true",
            help=_("printed forms only, without the seal and the packets"),
        )
        parser.add_argument(
            "--check-url", help=_("the check page's URL (default: HOCBASO_PUBLIC_URL)")
        )

    def handle(self, *args, **options) -> None:
        if options["workers"] < 0:
            raise CommandError(
                _("--workers must be 0 or more."), returncode=EXIT_ARGUMENTS
            )
        output = Path(options["output"])
        if output.suffix.lower() != ".zip":
            raise CommandError(
                _("The output must be a .zip file."), returncode=EXIT_ARGUMENTS
            )
        if not output.parent.is_dir():
            raise CommandError(
                _("The directory %(dir)s does not exist.") % {"dir": output.parent},
                returncode=EXIT_ARGUMENTS,
            )
        try:
            school = lookups.school(options["school"])
            entries = scope_entries(school, options["year"], options["class_name"])
        except RegistryError as exc:
            raise CommandError(str(exc), returncode=EXIT_ARGUMENTS) from exc
        if not entries:
            raise CommandError(
                _("There is no transcript in this scope."), returncode=EXIT_ARGUMENTS
            )
        seal = None
        try:
            if not options["unsigned"]:
                documents.registry_seal()  # fails here, once, if it cannot load
                seal = documents.seal_source()
            counts = export(
                entries,
                output,
                seal=seal,
                workers=options["workers"],
                check_base_url=options["check_url"],
                progress=Progress(self.stderr, len(entries)),
            )
        except (documents.DocumentError, PrintingError, OSError) as exc:
            raise CommandError(
                _("The export failed: %(error)s") % {"error": exc},
                returncode=EXIT_FAILED,
            ) from exc
        self.stdout.write(
            _(
                "%(file)s: %(ok)s transcripts exported, %(empty)s with nothing in "
                "the registry, %(failed)s failed (see %(manifest)s)."
            )
            % {**counts, "file": output, "manifest": MANIFEST}
        )


def scope_entries(
    school: School, year: str | None, class_name: str | None
) -> list[Entry]:
    """The transcripts of the scope, by class then student name (RegistryError)."""
    records = YearlyRecord.objects.filter(school=school)
    if class_name and not year:
        latest = (
            records.filter(school_class__name=class_name)
            .order_by("-school_year__name")
            .values_list("school_year__name", flat=True)
            .first()
        )
        if latest is None:
            raise NotFoundError(
                _("The school has no class %(name)s.") % {"name": class_name}
            )
        year = latest
    if year:
        records = records.filter(school_year=lookups.school_year(year))
        if class_name:
            records = records.filter(school_class__name=class_name)
        transcripts = Transcript.objects.filter(pk__in=records.values("transcript"))
    else:
        transcripts = Transcript.objects.filter(school=school)
    classes: dict[int, str] = {}
    for transcript_id, name in (
        records.filter(transcript__in=transcripts)
        .values_list("transcript_id", "school_class__name")
        .order_by("school_year__name")
    ):
        classes[transcript_id] = name or ""  # the latest year's class wins
    entries = [
        Entry(t, classes.get(t.pk, "")) for t in transcripts.select_related("student")
    ]
    entries.sort(
        key=lambda e: (e.class_name, e.transcript.student.full_name, e.transcript.pk)
    )
    return entries


def _jobs(
    entries: Sequence[Entry], check_base_url: str | None, empty: list[Entry]
) -> Iterator[PrintJob]:
    """The print jobs, reading the registry a chunk of transcripts at a time; a
    transcript with nothing in the registry goes to `empty` instead."""
    status = (documents.printed_at_line(),)
    for start in range(0, len(entries), CHUNK):
        chunk = entries[start : start + CHUNK]
        stored = documents.stored_packets([e.transcript for e in chunk])
        for entry in chunk:
            rows = stored[entry.transcript.pk]
            if not rows:
                empty.append(entry)
                continue
            yield PrintJob(
                key=entry,
                lookup_code=entry.transcript.lookup_code,
                check_url=documents.check_url(entry.transcript, check_base_url),
                packets=tuple(data for _, data in rows),
                notes=tuple(documents.record_note(s) for s, _ in rows),
                status_lines=status,
            )


def export(
    entries: Sequence[Entry],
    output: Path,
    *,
    seal,
    workers: int,
    check_base_url: str | None = None,
    progress: Progress | None = None,
    actor_label: str | None = None,
) -> dict[str, int]:
    """Write the zip (see the module); the counts of ok, empty and failed.
    ``progress`` is anything with a ``step()``; ``actor_label`` names who asked
    in the audit trail (default: the command's user)."""
    rows: list[tuple[Entry, str, str]] = []  # entry, file name or "", status
    empty: list[Entry] = []
    exported: list[Transcript] = []
    fd, temp = tempfile.mkstemp(
        dir=output.parent, prefix=f".{output.name}.", suffix=".part"
    )
    os.close(fd)
    try:
        with (
            zipfile.ZipFile(temp, "w") as archive,
            PrintPool(workers, seal=seal, location=documents.seal_location()) as pool,
        ):
            for job, pdf, error in pool.run(_jobs(entries, check_base_url, empty)):
                entry = job.key
                if pdf is None:
                    rows.append((entry, "", f"error: {error}"))
                else:
                    archive.writestr(
                        zipfile.ZipInfo(entry.file_name, date_time=_now_tuple()), pdf
                    )
                    rows.append((entry, entry.file_name, STATUS_OK))
                    exported.append(entry.transcript)
                if progress:
                    progress.step()
            for entry in empty:
                rows.append((entry, "", STATUS_EMPTY))
                if progress:
                    progress.step()
            archive.writestr(
                zipfile.ZipInfo(MANIFEST, date_time=_now_tuple()),
                _manifest(rows),
                compress_type=zipfile.ZIP_DEFLATED,
            )
        with transaction.atomic():
            label = actor_label or command_actor()
            for transcript in exported:
                record_access(
                    None,
                    action=AccessAction.EXPORT,
                    transcript=transcript,
                    actor_kind=ActorKind.SYSTEM,
                    actor_label=label,
                    detail={"document": "soft_copy" if seal else "printed_form"},
                )
            os.replace(temp, output)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    failed = sum(1 for _, _, status in rows if status.startswith("error"))
    return {"ok": len(exported), "empty": len(empty), "failed": failed}


def _manifest(rows: list[tuple[Entry, str, str]]) -> bytes:
    """manifest.csv in UTF-8 with a BOM (spreadsheets then read Vietnamese right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student_code", "full_name", "class", "file", "status"])
    for entry, file_name, status in sorted(
        rows, key=lambda r: (r[0].class_name, r[0].transcript.student.full_name)
    ):
        student = entry.transcript.student
        writer.writerow(
            [
                _as_text(student.student_code),
                _as_text(student.full_name),
                _as_text(entry.class_name),
                file_name,
                _as_text(status),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _now_tuple() -> tuple[int, int, int, int, int, int]:
    return time.localtime()[:6]  # type: ignore[return-value]


__all__ = ["Command", "Entry", "Progress", "export", "scope_entries", "slug"]
