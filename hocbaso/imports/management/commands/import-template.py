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
        if school_obj is None:
            raise CommandError(
                _("There is no school with the code %(code)r.") % {"code": school}
            )
        year_obj = SchoolYear.objects.filter(name=year).first()
        if year_obj is None:
            raise CommandError(_("There is no school year %(year)r.") % {"year": year})
        if kind == "students":
            data = workbooks.students_workbook(school_obj, year_obj)
        else:
            data = workbooks.class_workbook(_class(school_obj, year_obj, class_name))
        write_private(output, data)
        self.stdout.write(
            _("%(file)s: %(size)s bytes written.") % {"file": output, "size": len(data)}
        )


def _class(school: School, year: SchoolYear, name: str | None) -> SchoolClass:
    if not name:
        raise CommandError(_("Name the class with --class NAME."))
    found = SchoolClass.objects.filter(
        school=school, school_year=year, name=name
    ).first()
    if found is None:
        raise CommandError(
            _("%(school)s has no class %(name)r in %(year)s.")
            % {"school": school.code, "name": name, "year": year.name}
        )
    return found
