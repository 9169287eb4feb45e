"""``hocbaso import-template students|class --school CODE --year YYYY-YYYY …``.

Writes a template workbook: ``students`` (classes and students of a school
year) or ``class --class NAME`` (the assessments of one class).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.files import write_private
from hocbaso.imports import workbooks
from hocbaso.records.models import School, SchoolClass, SchoolYear


class Command(BaseCommand):
    help = _("Write an import template (.xlsx) for a school year or a class.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=("students", "class"))
        parser.add_argument("--school", metavar="CODE", required=True)
        parser.add_argument("--year", metavar="YYYY-YYYY", required=True)
        parser.add_argument("--class", dest="class_name", metavar="NAME")
        parser.add_argument("-o", "--output", metavar="FILE", required=True)

    def handle(self, *args, kind, school, year, class_name, output, **options):
        school_obj = School.objects.filter(code=school).first()
        year_obj = SchoolYear.objects.filter(name=year).first()
        if school_obj is None or year_obj is None:
            raise CommandError(f"unknown school {school!r} or year {year!r}")
        if kind == "students":
            data = workbooks.students_workbook(school_obj, year_obj)
        else:
            school_class = SchoolClass.objects.filter(
                school=school_obj, school_year=year_obj, name=class_name or ""
            ).first()
            if school_class is None:
                raise CommandError(f"unknown class {class_name!r}: give --class")
            data = workbooks.class_workbook(school_class)
        write_private(output, data)
        self.stdout.write(f"{output}: {len(data)} bytes")
