"""``hocbaso pki demo``: a demo PKI for the people and schools in the records."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.records.demo_pki import KEY_TYPES, create_records_pki
from hocbaso.records.errors import RecordsError


class Command(BaseCommand):
    help = _(
        "Signing certificates. 'demo' creates a demo PKI outside the repository and "
        "registers a certificate to every teacher, principal, deputy and school."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        demo = actions.add_parser(
            "demo", help=_("create (or complete) the demo PKI and register it")
        )
        demo.add_argument(
            "--directory",
            type=Path,
            help=_("where the CA and the private keys go (default: DATA_DIR/pki)"),
        )
        demo.add_argument(
            "--trust-store",
            type=Path,
            help=_("where the trust store goes (default: HOCBASO_TRUST_STORE)"),
        )
        demo.add_argument(
            "--key-type",
            choices=KEY_TYPES,
            default="ec",
            help=_("people's keys: ec (P-256, fast) or rsa (2048 bits)"),
        )
        demo.add_argument(
            "--seal-key-type",
            choices=KEY_TYPES,
            default="rsa",
            help=_("the schools' seal keys"),
        )
        demo.add_argument("--json", action="store_true", help=_("print JSON"))

    def handle(self, *args, **options):
        directory = options["directory"] or Path(settings.DATA_DIR) / "pki"
        trust = options["trust_store"] or Path(settings.HOCBASO_TRUST_STORE)
        try:
            summary = create_records_pki(
                directory,
                trust,
                key_type=options["key_type"],
                seal_key_type=options["seal_key_type"],
            )
        except RecordsError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            out = {
                k: str(v) if isinstance(v, Path) else v
                for k, v in vars(summary).items()
            }
            out["seconds"] = round(summary.seconds, 2)
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_describe(summary, options))


def _describe(summary, options) -> str:
    ca = (
        _("Reused the demo CA in %(path)s.")
        if summary.ca_reused
        else _("Created a demo root CA and issuing CA in %(path)s.")
    ) % {"path": summary.key_directory}
    lines = [
        ca,
        _(
            "People: %(issued)d certificates issued (%(kind)s), %(reused)d already "
            "registered and reused."
        )
        % {
            "issued": summary.people_issued,
            "reused": summary.people_reused,
            "kind": options["key_type"].upper(),
        },
        _(
            "Schools (seals): %(issued)d certificates issued (%(kind)s), %(reused)d "
            "already registered and reused."
        )
        % {
            "issued": summary.schools_issued,
            "reused": summary.schools_reused,
            "kind": options["seal_key_type"].upper(),
        },
        _("Private keys (mode 0600): %(path)s/people, %(path)s/schools.")
        % {"path": summary.key_directory},
        _("Trust store (certificates and CRLs): %(path)s.")
        % {"path": summary.trust_store},
        _("Done in %(seconds).1f s.") % {"seconds": summary.seconds},
    ]
    return "\n".join(lines)
