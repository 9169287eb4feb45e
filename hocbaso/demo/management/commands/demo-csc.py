"""``hocbaso demo-csc``: the demo's remote signing service made anew (a SoftHSM2
token, its keys and the service's configuration; see hocbaso/demo/remote_signing.py).
scripts/demo runs it at each start, then the service itself
(``python -m hocbaso.demo.remote_services``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.demo.remote_signing import demo_classes, prepare_remote_signing
from hocbaso.demo.softhsm import TokenError
from hocbaso.records.keys import KeyDirectory


class Command(BaseCommand):
    help = _(
        "Make the demo's remote signing service anew: a SoftHSM2 token with keys "
        "for the homeroom teacher, the principal and the seal of each demo class, "
        "and the service's configuration."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help=_("the service's directory (default: DATA_DIR/csc)"),
        )

    def handle(self, *args, **options):
        directory = options["dir"] or settings.DATA_DIR / "csc"
        classes = demo_classes(timezone.localdate())
        if not classes:
            raise CommandError(_("no demo class this school year: run demo-school"))
        try:
            made = prepare_remote_signing(
                directory,
                classes,
                keys=KeyDirectory(settings.DATA_DIR / "pki"),
                now=timezone.now(),
            )
        except (TokenError, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        roles = {
            "homeroom": _("homeroom teacher"),
            "principal": _("principal"),
            "seal": _("school seal"),
        }
        for item in made:
            self.stdout.write(
                _(
                    "%(school)s, class %(class)s, %(role)s %(holder)s: "
                    "credential id %(credential)s"
                )
                % {
                    "school": item.school,
                    "class": item.school_class,
                    "role": roles[item.role],
                    "holder": item.holder,
                    "credential": item.credential,
                }
            )
