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
            raise CommandError(
                f"{len(exc.problems)} problem(s): nothing was imported.", returncode=1
            ) from None
        except SpreadsheetError as exc:
            raise CommandError(str(exc), returncode=2) from None
        verb = "checked (dry run, nothing imported)" if dry_run else "imported"
        self.stdout.write(f"{Path(file).name}: {verb}")
        for key, value in report.counts.items():
            self.stdout.write(f"  {key}: {value}")
        if report.changed == 0:
            self.stdout.write("Nothing changed.")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(
            f"cannot read {path}: {exc.strerror}", returncode=2
        ) from None


def _school(code: str | None) -> School | None:
    if code is None:
        return None
    school = School.objects.filter(code=code).first()
    if school is None:
        raise CommandError(f"unknown school {code!r}", returncode=2)
    return school


def _user(name: str | None):
    if name is None:
        return None
    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise CommandError(f"unknown user {name!r}", returncode=2)
    return user
