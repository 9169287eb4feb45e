"""``hocbaso restore FILE [--force] [--checkpoint NOTE [--checkpoint-time T]]``
(docs/operations.md, "Backup and restore")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.operations.errors import OperationsError
from hocbaso.operations.restoring import RestoreReport, restore


def _moment(text: str) -> dt.datetime:
    value = parse_datetime(text)
    if value is None:
        raise CommandError(
            _("--checkpoint-time %(value)r is not a date and time (ISO 8601).")
            % {"value": text}
        )
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _shown(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S %Z")


LOSSES_STATUS = 3


class Command(BaseCommand):
    help = _("Restore a backup made by hocbaso backup, and say what was lost.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help=_("the backup file"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("replace a database that is not empty"),
        )
        parser.add_argument(
            "--checkpoint",
            type=Path,
            help=_(
                "the latest checkpoint the registry published (from a witness or "
                "a peer), to learn which entries are lost"
            ),
        )
        parser.add_argument(
            "--checkpoint-time",
            type=_moment,
            help=_("when that checkpoint was published (default: the file's time)"),
        )

    def handle(self, *args, **options) -> None:
        try:
            report = restore(
                options["file"],
                force=options["force"],
                checkpoint=options["checkpoint"],
                checkpoint_time=options["checkpoint_time"],
            )
        except (OperationsError, OSError) as exc:
            if getattr(exc, "committed", False):
                message = _("The database was restored but fails its checks: %(error)s")
            else:
                message = _("Restore refused, nothing was changed: %(error)s")
            raise CommandError(message % {"error": exc}) from exc
        self._report(report)

    def _report(self, report: RestoreReport) -> None:
        for warning in report.warnings:
            self.stderr.write(warning)
        created = dt.datetime.fromisoformat(report.manifest.created_at)
        self.stdout.write(
            _(
                "Restored the backup of %(at)s: %(size)s ledger entries, ledger "
                "verify passes; %(files)s missing data files put back."
            )
            % {
                "at": _shown(created),
                "size": report.size,
                "files": report.files_written,
            }
        )
        if not report.published:
            self.stderr.write(
                _(
                    "No published checkpoint to compare with: what was published "
                    "after the backup is unknown. Pass --checkpoint with the latest "
                    "checkpoint a witness or a peer holds."
                )
            )
        elif not report.losses:
            self.stdout.write(
                _(
                    "Nothing was lost: no published checkpoint is beyond the "
                    "restored log."
                )
            )
        for lost in report.losses:
            self.stderr.write(
                _(
                    "LOST: the restored log has %(n)s entries; checkpoint published "
                    "at %(at)s had %(m)s entries: entries %(n)s..%(last)s are lost "
                    "(submissions/locks of which the department must ask schools to "
                    "resend). Source: %(source)s."
                )
                % {
                    "n": report.size,
                    "m": lost.size,
                    "last": lost.size - 1,
                    "at": _shown(lost.at),
                    "source": lost.source,
                }
            )
        if report.losses:
            # The restore itself succeeded, but a script must not read it as a
            # clean one: status 3 means "restored, entries lost" (docs/operations.md).
            raise CommandError(
                _("Restored with entries lost: see the LOST lines above."),
                returncode=LOSSES_STATUS,
            )
