"""Organisations given as rows or by code, for actions called with plain values."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.records.models import Department, ManagementUnit, School, SchoolYear
from hocbaso.registry.errors import NotFoundError


def school(value: School | str) -> School:
    if isinstance(value, School):
        return value
    found = School.objects.select_related("department").filter(code=value).first()
    if found is None:
        raise NotFoundError(_("There is no school %(code)s.") % {"code": value})
    return found


def school_year(value: SchoolYear | str) -> SchoolYear:
    if isinstance(value, SchoolYear):
        return value
    found = SchoolYear.objects.filter(name=value).first()
    if found is None:
        raise NotFoundError(_("There is no school year %(name)s.") % {"name": value})
    return found


def unit(value: ManagementUnit | str) -> ManagementUnit:
    if isinstance(value, ManagementUnit):
        return value
    found = ManagementUnit.objects.filter(code=value).first()
    if found is None:
        raise NotFoundError(
            _("There is no management unit %(code)s.") % {"code": value}
        )
    return found


def department(value: Department | str) -> Department:
    if isinstance(value, Department):
        return value
    found = Department.objects.filter(code=value).first()
    if found is None:
        raise NotFoundError(_("There is no department %(code)s.") % {"code": value})
    return found
