"""``hocbaso packet export CODE --year YYYY-YYYY [-o FILE]``: a record's packet.

Writes the record's current packet: issued (every signature and the seal), or as far
as it has been signed. A record nobody has signed yet has no packet: the command
refuses, unless --unsigned asks for a preview built from the record now (empty
signer slots, not stored). The lookup code is a credential (domain.md §9): it is
never echoed, in messages or errors.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.files import write_private
from hocbaso.packet import PacketError, build_packet
from hocbaso.records.errors import RecordsError
from hocbaso.records.models import RecordPacket, YearlyRecord
from hocbaso.records.snapshot import records_with_rows, snapshot_of


class Command(BaseCommand):
    help = _("Export the transcript packet of a yearly record.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help=_("write a record's packet"))
        export.add_argument("code", help=_("the transcript's lookup code"))
        export.add_argument(
            "--year", required=True, help=_("the school year, like 2025-2026")
        )
        export.add_argument(
            "-o", "--output", type=Path, help=_("the file to write (default: stdout)")
        )
        export.add_argument(
            "--unsigned",
            action="store_true",
            help=_("if nobody has signed yet, write an unsigned preview"),
        )

    def handle(self, *args, **options):
        record = _record(options["code"], options["year"])
        try:
            data, what = _packet_of(record, options["unsigned"])
        except (RecordsError, PacketError) as exc:
            raise CommandError(str(exc)) from exc
        output = options["output"]
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            write_private(output, data)
        self.stderr.write(
            _("Wrote the packet of class %(cls)s, %(year)s (%(what)s) to %(dest)s.")
            % {
                "what": what,
                "cls": record.school_class.name,
                "year": record.school_year.name,
                "dest": output or "stdout",
            }
        )


def _record(code: str, year: str) -> YearlyRecord:
    try:
        lookup_code = uuid.UUID(code.strip()).hex
    except ValueError:
        raise CommandError(_("a lookup code is 32 hexadecimal digits")) from None
    records = YearlyRecord.objects.filter(transcript__lookup_code=lookup_code)
    if not records.exists():
        raise CommandError(_("no transcript has this lookup code"))
    record = records.filter(school_year__name=year).first()
    if record is None:
        raise CommandError(
            _("the transcript has no record for %(year)s") % {"year": year}
        )
    return record


def _packet_of(record: YearlyRecord, unsigned: bool) -> tuple[bytes, str]:
    packet = RecordPacket.objects.filter(record=record).first()
    if packet is not None and record.signature_steps.exists():
        return bytes(packet.data), record.get_status_display().lower()
    if not unsigned:
        raise RecordsError(
            _("nobody has signed this record yet (use --unsigned for a preview)")
        )
    fresh = records_with_rows(YearlyRecord.objects.filter(pk=record.pk))[0]
    return build_packet(snapshot_of(fresh)), _("unsigned")
