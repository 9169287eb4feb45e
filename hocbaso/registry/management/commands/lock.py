"""``hocbaso lock``: lock a round (R10, R11), run by the scheduler at the deadline
or by the department by hand; a school or unit may be locked early.

    hocbaso lock --year 2025-2026 --round main [--school CODE | --unit CODE] [--at ISO]

Prints the records locked and missing, per school and in total; exits 1 with one
line on stderr when the lock is refused.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.registry import actions, lookups
from hocbaso.registry.actors import Actor
from hocbaso.registry.errors import RegistryError
from hocbaso.registry.rounds import round_name_in_text


def parse_time(value: str) -> dt.datetime:
    """An ISO 8601 time; without an offset it is Vietnam time (domain.md §7)."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("--at must be an ISO 8601 time such as 2026-06-30T23:59:59+07:00")
        ) from exc
    if moment.utcoffset() is None:
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


class Command(BaseCommand):
    help = _("Lock a round: its accepted submissions become effective and final.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", required=True, help=_("School year, 2025-2026"))
        parser.add_argument("--round", required=True, choices=["main", "supplementary"])
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--school", help=_("Lock only this school (its code)"))
        where.add_argument("--unit", help=_("Lock only this management unit"))
        parser.add_argument("--at", help=_("Lock time (default: now)"))

    def handle(self, *args, **options) -> None:
        at = parse_time(options["at"]) if options["at"] else None
        try:
            result = actions.lock_round(
                options["year"],
                options["round"],
                scope=self._scope(options),
                actor=Actor.system("command:lock"),
                at=at,
            )
        except RegistryError as exc:
            raise CommandError(f"{exc} [{exc.code}]") from exc
        for school in result.schools:
            self.stdout.write(self._school_line(school))
        self.stdout.write(
            _(
                "%(round)s round of %(year)s locked at %(at)s: %(locked)s records "
                "locked, %(missing)s missing."
            )
            % {
                "round": round_name_in_text(result.round),
                "year": result.school_year,
                "at": timezone.localtime(result.locked_at).isoformat(),
                "locked": result.locked,
                "missing": result.missing,
            }
        )

    @staticmethod
    def _scope(options):
        if options["school"]:
            return lookups.school(options["school"])
        if options["unit"]:
            return lookups.unit(options["unit"])
        return None

    @staticmethod
    def _school_line(school) -> str:
        if school.already_locked:
            return _("  %(code)s %(name)s: already locked at %(at)s") % {
                "code": school.school_code,
                "name": school.school_name,
                "at": timezone.localtime(school.locked_at).isoformat(),
            }
        return _("  %(code)s %(name)s: %(locked)s locked, %(missing)s missing") % {
            "code": school.school_code,
            "name": school.school_name,
            "locked": school.locked,
            "missing": school.missing,
        }
