"""``hocbaso backup FILE [--include-keys]``: one file, mode 0600, with a manifest
(docs/operations.md, "Backup and restore")."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.operations.backing_up import back_up
from hocbaso.operations.errors import OperationsError


class Command(BaseCommand):
    help = _(
        "Back up the database, the ledger's state and the data directory's files "
        "into one file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help=_("the backup file to create"))
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help=_(
                "also the secret keys (ledger, SECRET_KEY, exchange, PKI): keep "
                "the file as safe as the keys themselves"
            ),
        )

    def handle(self, *args, **options) -> None:
        try:
            result = back_up(
                options["file"],
                include_keys=options["include_keys"],
                now=timezone.now(),
            )
        except (OperationsError, OSError) as exc:
            raise CommandError(_("Backup failed: %(error)s") % {"error": exc}) from exc
        ledger = result.manifest.ledger
        self.stdout.write(
            _(
                "Backup written to %(path)s: %(vendor)s database, ledger of "
                "%(size)s entries, %(files)s data files%(keys)s."
            )
            % {
                "path": result.path,
                "vendor": result.manifest.vendor,
                "size": ledger["size"],
                "files": len(result.manifest.files),
                "keys": _(", with the secret keys")
                if result.manifest.keys_included
                else "",
            }
        )
