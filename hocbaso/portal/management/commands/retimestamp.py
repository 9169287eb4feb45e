"""``hocbaso retimestamp FOLDER [--within-days N]``: renew the archive's timestamps.

Adds a new document timestamp (HOCBASO_TSA_URL) with fresh validation data (the
trust store's CRLs) to every B-LTA soft copy under FOLDER, .pdf files and the PDFs
inside .zip files, whose last timestamp's TSA certificate expires within N days
(docs/printing.md, "Re-timestamping the archive"). Each changed file is replaced
whole through a temporary file. Exit codes: 0 done; 1 a copy could not be renewed
(the others were); 2 the TSA is not configured or the folder, the trust store or N
is unusable (nothing changed).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.printing import PrintingError
from hocbaso.printing.archive import DEFAULT_WITHIN_DAYS, renew_configured_archive


class Command(BaseCommand):
    help = _("Re-timestamp the archived soft copies whose timestamps are due.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", help=_("the folder of archived soft copies"))
        parser.add_argument(
            "--within-days",
            type=int,
            default=DEFAULT_WITHIN_DAYS,
            help=_("renew when the last timestamp's certificate expires within N days"),
        )

    def handle(self, *args, folder: str, within_days: int, **options) -> None:
        if not settings.HOCBASO_TSA_URL:
            raise CommandError(
                _("HOCBASO_TSA_URL is not set: there is no timestamp authority."),
                returncode=2,
            )
        try:
            report = renew_configured_archive(
                Path(folder),
                tsa_url=settings.HOCBASO_TSA_URL,
                trust_store=settings.HOCBASO_TRUST_STORE,
                now=timezone.now(),
                within_days=within_days,
            )
        except PrintingError as exc:
            raise CommandError(
                _("The archive was not re-timestamped: %(error)s") % {"error": exc},
                returncode=2,
            ) from exc
        for name, error in report.failed:
            self.stderr.write(
                _("%(file)s: not re-timestamped: %(error)s")
                % {"file": name, "error": error}
            )
        self.stdout.write(
            _(
                "Re-timestamped: %(renewed)d, not yet due: %(current)d, "
                "failed: %(failed)d."
            )
            % {
                "renewed": len(report.renewed),
                "current": len(report.current),
                "failed": len(report.failed),
            }
        )
        if report.failed:
            raise CommandError(
                _("%(count)d copies could not be re-timestamped.")
                % {"count": len(report.failed)},
                returncode=1,
            )
