"""``hocbaso verify FILE [--json]``: is this packet a valid, signed transcript record?

Exit status: 0 valid; 1 invalid; 2 cannot be determined (an unknown CA, no revocation
data) or unusable input (no such file, no trust store). Uses the trust store of
HOCBASO_TRUST_STORE and, when the database answers, the records' role binding.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.packet import MAX_PACKET_BYTES
from hocbaso.records.errors import RecordsError
from hocbaso.records.verification import (
    load_trust_store,
    result_to_dict,
    result_to_text,
    role_binding,
    status_label,
)
from hocbaso.signing import Status, verify_packet

EXIT_INVALID, EXIT_UNDETERMINED = 1, 2


class Command(BaseCommand):
    help = _("Verify a signed transcript packet: 0 valid, 1 invalid, 2 undetermined.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the packet (XML), or - for stdin"))
        parser.add_argument("--json", action="store_true", help=_("print JSON"))
        parser.add_argument(
            "--trust-store",
            type=Path,
            help=_("directory of trusted PEM files (default: HOCBASO_TRUST_STORE)"),
        )
        parser.add_argument(
            "--offline",
            action="store_true",
            help=_("bind signers by their certificates, without the records"),
        )

    def handle(self, *args, **options):
        data = _read(options["file"])
        try:
            store = load_trust_store(options["trust_store"])
        except RecordsError as exc:
            raise CommandError(str(exc), returncode=EXIT_UNDETERMINED) from exc
        binding, from_records = role_binding(not options["offline"])
        result = verify_packet(data, store, role_binding=binding)
        if options["json"]:
            report = result_to_dict(result, from_records)
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(result_to_text(result, from_records))
        if result.status is not Status.VALID:
            code = (
                EXIT_INVALID if result.status is Status.INVALID else EXIT_UNDETERMINED
            )
            raise CommandError(
                _("the packet is %(verdict)s")
                % {"verdict": status_label(result.status)},
                returncode=code,
            )


def _read(name: str) -> bytes:
    """The bytes, at most one over the packet limit (the parser then says why)."""
    try:
        if name == "-":
            return sys.stdin.buffer.read(MAX_PACKET_BYTES + 1)
        with open(name, "rb") as fh:
            return fh.read(MAX_PACKET_BYTES + 1)
    except OSError as exc:
        raise CommandError(
            _("cannot read %(file)s: %(error)s")
            % {"file": name, "error": exc.strerror},
            returncode=EXIT_UNDETERMINED,
        ) from exc
