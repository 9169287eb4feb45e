"""``hocbaso api-token``: issue, revoke and list the schools' API tokens.

    hocbaso api-token issue --school CODE --name NAME   # prints the token, once
    hocbaso api-token revoke PREFIX
    hocbaso api-token list [--school CODE] [--all]

A refused step is one line on stderr with its code, exit 1.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.registry.api import tokens
from hocbaso.registry.errors import RegistryError
from hocbaso.registry.models import ApiToken


class Command(BaseCommand):
    help = _("Issue, revoke and list the schools' API tokens.")

    def add_arguments(self, parser) -> None:
        steps = parser.add_subparsers(dest="step", required=True)
        issue = steps.add_parser("issue", help=_("Issue a token; it is shown once."))
        issue.add_argument("--school", required=True, help=_("School code"))
        issue.add_argument("--name", required=True, help=_("What the token is for"))
        revoke = steps.add_parser("revoke", help=_("Revoke a token by its prefix."))
        revoke.add_argument("prefix")
        listing = steps.add_parser("list", help=_("List the tokens (never secrets)."))
        listing.add_argument("--school", help=_("Only this school's tokens"))
        listing.add_argument(
            "--all", action="store_true", help=_("Include revoked tokens")
        )

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"_{options['step']}")(options)
        except RegistryError as exc:
            raise CommandError(f"{exc} [{exc.code}]") from exc

    def _issue(self, options) -> None:
        issued = tokens.issue_token(
            options["school"], options["name"], label="command:api-token"
        )
        self.stderr.write(
            _("Token %(prefix)s for %(school)s; it is shown only this once:")
            % {"prefix": issued.row.prefix, "school": issued.row.school.code}
        )
        self.stdout.write(issued.token)

    def _revoke(self, options) -> None:
        row = tokens.revoke_token(options["prefix"], label="command:api-token")
        self.stdout.write(
            _("Token %(prefix)s of %(school)s revoked.")
            % {"prefix": row.prefix, "school": row.school.code}
        )

    def _list(self, options) -> None:
        rows = ApiToken.objects.select_related("school").order_by("school__code")
        if options["school"]:
            rows = rows.filter(school__code=options["school"])
        if not options["all"]:
            rows = rows.filter(revoked_at__isnull=True)
        for row in rows:
            self.stdout.write(self._line(row))

    @staticmethod
    def _line(row: ApiToken) -> str:
        def when(moment):
            return timezone.localtime(moment).isoformat() if moment else "-"

        state = _("revoked %(at)s") % {"at": when(row.revoked_at)}
        return "\t".join(
            [
                row.prefix,
                row.school.code,
                row.name,
                _("issued %(at)s") % {"at": when(row.created_at)},
                _("last used %(at)s") % {"at": when(row.last_used_at)},
                state if row.revoked_at else _("active"),
            ]
        )
