"""``hocbaso registry``: the registry's upkeep.

hocbaso registry recover [--older-than MINUTES]
    answer every receipt still "received" (a process stopped between the receipt
    and its answer); run it at start-up and from the scheduler. Prints one line per
    receipt answered.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand
from hocbaso.registry.processing import RECOVERY_GRACE, recover_receipts
from hocbaso.registry.verification import InProcessVerifier


class Command(BaseCommand):
    help = _("Answer the receipts left received by a process that stopped.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", choices=["recover"])
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(RECOVERY_GRACE.total_seconds() // 60),
            help=_("only receipts received at least this many minutes ago"),
        )

    def handle(self, *args, **options) -> None:
        older_than = timedelta(minutes=max(options["older_than"], 0))
        answered = recover_receipts(
            verifier=InProcessVerifier(), clock=None, older_than=older_than
        )
        for receipt in answered:
            self.stdout.write(
                _("%(id)s: %(status)s, %(accepted)s accepted, %(rejected)s rejected")
                % {
                    "id": receipt.public_id,
                    "status": receipt.get_status_display(),
                    "accepted": receipt.accepted_count,
                    "rejected": receipt.rejected_count,
                }
            )
        self.stdout.write(_("%(n)s receipts answered.") % {"n": len(answered)})
