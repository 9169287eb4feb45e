"""``manage.py records list``: the yearly records, as JSON or as a table."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.records.models import RecordStatus, YearlyRecord

# The headers are translated when the table is printed, in the reader's language.
COLUMNS = [
    ("lookup_code", gettext_noop("Lookup code")),
    ("student_code", gettext_noop("Student code")),
    ("student_name", gettext_noop("Student")),
    ("school", gettext_noop("School")),
    ("year", gettext_noop("School year")),
    ("grade", gettext_noop("Grade")),
    ("class", gettext_noop("Class")),
    ("status", gettext_noop("Status")),
]


class Command(BaseCommand):
    help = _("Work with the school records (yearly records of the transcripts).")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help=_("List yearly records."))
        listing.add_argument(
            "--json", action="store_true", dest="as_json", help=_("Print JSON.")
        )
        listing.add_argument("--school", metavar="CODE", help=_("Only this school."))
        listing.add_argument("--year", metavar="YYYY-YYYY", help=_("Only this year."))
        listing.add_argument(
            "--status",
            choices=RecordStatus.values,
            help=_("Only records in this status."),
        )
        listing.add_argument(
            "--limit", type=int, default=None, metavar="N", help=_("At most N records.")
        )

    def handle(self, *args, action, **options):
        if action == "list":
            self.list_records(**options)

    def list_records(self, *, as_json: bool, school, year, status, limit, **_options):
        if limit is not None and limit < 0:
            raise CommandError(_("--limit must be 0 or more."))
        records = _records(school=school, year=year, status=status)
        rows = [to_row(record) for record in records[:limit]]
        if as_json:
            self.stdout.write(_dumps(rows))
        else:
            self.stdout.write(_table(rows))


def _records(*, school, year, status):
    records = YearlyRecord.objects.select_related(
        "transcript__student", "school", "school_year", "school_class"
    )
    if school:
        records = records.filter(school__code=school)
    if year:
        records = records.filter(school_year__name=year)
    if status:
        records = records.filter(status=status)
    return records.order_by(
        "school__code",
        "-school_year__name",
        "school_class__name",
        "transcript__student__full_name",
        "pk",
    )


def to_row(record: YearlyRecord) -> dict:
    student = record.transcript.student
    return {
        "lookup_code": record.transcript.lookup_code,
        "student": {"code": student.student_code, "name": student.full_name},
        "school": record.school.code,
        "year": record.school_year.name,
        "grade": record.grade,
        "class": record.school_class.name,
        "status": record.status,
    }


def _dumps(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def _table(rows: list[dict]) -> str:
    cells = [
        [
            row["lookup_code"],
            row["student"]["code"],
            row["student"]["name"],
            row["school"],
            row["year"],
            str(row["grade"]),
            row["class"],
            row["status"],
        ]
        for row in rows
    ]
    headers = [_(title) for _key, title in COLUMNS]
    widths = [
        max(len(c) for c in column) for column in zip(headers, *cells, strict=False)
    ]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in [headers, ["-" * w for w in widths], *cells]
    ]
    count = ngettext("%(count)s record", "%(count)s records", len(rows))
    lines.append(count % {"count": len(rows)})
    return "\n".join(lines)
