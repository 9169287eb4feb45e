"""``hocbaso import FILE [--school CODE] [--dry-run] [--user NAME]``.

Exit status: 0 imported (or, with --dry-run, the file is correct); 1 rows with
problems, one line each on stderr; 2 the file was refused, the user may not
import there, or the arguments are wrong.
"""

from __future__ import annotations

import getpass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.imports.actions import import_workbook
from hocbaso.imports.errors import InvalidRowsError, SpreadsheetError
from hocbaso.records.models import School


class Command(BaseCommand):
    help = _("Import a workbook of classes, students or assessments (.xlsx).")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The workbook, made from a template."))
        parser.add_argument("--school", metavar="CODE", help=_("The school's code."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check everything, import nothing."),
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=_(
                "Import as this staff login (its scope applies); default: the "
                "system, for any school."
            ),
        )

    def handle(self, *args, file, school, dry_run, user, **options):
        data = _read(Path(file))
        target = _school(school)
        account = _user(user)
        try:
            report = import_workbook(
                data,
                school=target,
                user=account,
                file_name=Path(file).name,
                dry_run=dry_run,
                actor_label="" if account else f"hocbaso import ({getpass.getuser()})",
            )
        except InvalidRowsError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            count = len(exc.problems)
            raise CommandError(
                ngettext(
                    "The file has %(counter)s problem: nothing was imported.",
                    "The file has %(counter)s problems: nothing was imported.",
                    count,
                )
                % {"counter": count},
                returncode=1,
            ) from None
        except SpreadsheetError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self._report(Path(file).name, report, dry_run)

    def _report(self, name: str, report, dry_run: bool) -> None:
        # The counts keep their keys (students_created…): the import's audit row
        # stores them so, and scripts read them.
        if dry_run:
            outcome = _("The file is correct. Nothing was imported (check only).")
        else:
            outcome = _("Imported.")
        self.stdout.write(f"{name}: {outcome}")
        for key, value in report.counts.items():
            self.stdout.write(f"  {key}: {value}")
        if report.changed == 0:
            self.stdout.write(
                _("Nothing changed: the records already hold this file's data.")
            )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(
            _("cannot read %(file)s: %(error)s")
            % {"file": path, "error": exc.strerror},
            returncode=2,
        ) from None


def _school(code: str | None) -> School | None:
    if code is None:
        return None
    school = School.objects.filter(code=code).first()
    if school is None:
        raise CommandError(
            _("There is no school with the code %(code)r.") % {"code": code},
            returncode=2,
        )
    return school


def _user(name: str | None):
    if name is None:
        return None
    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise CommandError(
            _("There is no active login %(username)r.") % {"username": name},
            returncode=2,
        )
    return user
