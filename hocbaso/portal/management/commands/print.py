"""``hocbaso print``: a transcript's soft copy (or its unsigned printout) as a PDF.

    hocbaso print CODE [-o FILE] [--unsigned]
    echo CODE | hocbaso print -o hocba.pdf          # the code from stdin

The lookup code is a credential (domain.md §9): it may come from stdin so that it
stays out of the shell's history, and it is never printed, logged or audited (the
access event names the transcript by its row). The file is written whole or not at
all. Exit codes: 0 done; 2 the code is malformed; 3 no transcript has it; 4 the
transcript has nothing in the registry; 5 the document or the file cannot be made.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.portal import documents
from hocbaso.portal.models import AccessAction, ActorKind
from hocbaso.records.models import Transcript

EXIT_MALFORMED, EXIT_UNKNOWN, EXIT_NOTHING, EXIT_FAILED = 2, 3, 4, 5
_CODE = re.compile(r"^[0-9a-f]{32}$")


def normalise_code(value: str) -> str | None:
    """A lookup code as typed (spaces, hyphens, capitals) in its stored form."""
    code = re.sub(r"[\s-]", "", value).lower()
    return code if _CODE.match(code) else None


def write_atomically(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file renamed into place."""
    fd, temp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part"
    )
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def command_actor() -> str:
    """Who ran a command, for the audit trail."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    return f"command by {user}"


class Command(BaseCommand):
    help = _(
        "Print a transcript's signed soft copy (or with --unsigned its printed "
        "form) as a PDF. The lookup code comes from the argument or from stdin."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "code",
            nargs="?",
            default="-",
            help=_("the lookup code; '-' or nothing: read it from stdin"),
        )
        parser.add_argument(
            "-o",
            "--output",
            help=_("the PDF file (default hocba-<student code>.pdf; '-': stdout)"),
        )
        parser.add_argument(
            "--unsigned",
            action="store_true",
            help=_("the printed form only, without the seal and the packets"),
        )
        parser.add_argument(
            "--purpose", default="", help=_("why it is printed (kept in the audit)")
        )

    def handle(self, *args, **options) -> None:
        raw = options["code"]
        if raw == "-":
            raw = sys.stdin.readline()
        code = normalise_code(raw)
        if code is None:
            raise CommandError(
                _("The lookup code must be 32 hexadecimal digits."),
                returncode=EXIT_MALFORMED,
            )
        transcript = (
            Transcript.objects.select_related("student")
            .filter(lookup_code=code)
            .first()
        )
        if transcript is None:
            raise CommandError(
                _("No transcript has this lookup code."), returncode=EXIT_UNKNOWN
            )
        output = options["output"] or f"hocba-{transcript.student.student_code}.pdf"
        audit = {
            "actor_kind": ActorKind.SYSTEM,
            "actor_label": command_actor(),
            "purpose": options["purpose"],
        }
        try:
            if options["unsigned"]:
                pdf = documents.printed_pdf(transcript, **audit)
            else:
                pdf = documents.soft_copy_pdf(
                    transcript, action=AccessAction.PRINT, **audit
                )
        except documents.NothingToPrintError as exc:
            raise CommandError(str(exc), returncode=EXIT_NOTHING) from exc
        except documents.DocumentError as exc:
            raise CommandError(str(exc), returncode=EXIT_FAILED) from exc
        if output == "-":
            sys.stdout.buffer.write(pdf)
            sys.stdout.buffer.flush()
            return
        try:
            write_atomically(Path(output), pdf)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s")
                % {"file": output, "error": exc.strerror or exc},
                returncode=EXIT_FAILED,
            ) from exc
        kind = _("printed form") if options["unsigned"] else _("signed soft copy")
        self.stderr.write(
            _("%(kind)s of %(name)s written to %(file)s (%(size)s bytes).")
            % {
                "kind": kind,
                "name": transcript.student.full_name,
                "file": output,
                "size": len(pdf),
            }
        )
