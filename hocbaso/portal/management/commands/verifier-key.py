"""``hocbaso verifier-key``: the department's keys for organisations that check
many transcripts through the API (docs/portal.md).

    hocbaso verifier-key issue --organisation "Trường THPT X" [--daily-quota N]
                               [--failure-allowance N]
    hocbaso verifier-key revoke PREFIX
    hocbaso verifier-key list

``issue`` prints the key once on stdout (only its SHA-256 is kept); hand it to the
organisation over a channel you trust. A bad argument exits non-zero.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.portal import keys
from hocbaso.portal.forms import clean_text, text_problem
from hocbaso.portal.models import VerifierKey


class Command(BaseCommand):
    help = _("Issue, revoke or list the organisations' API keys for lookups.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue")
        issue.add_argument("--organisation", required=True)
        issue.add_argument("--daily-quota", type=int, default=10_000)
        issue.add_argument("--failure-allowance", type=int, default=200)
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")
        sub.add_parser("list")

    def handle(self, *args, **options):
        return getattr(self, "_" + options["action"])(options)

    def _issue(self, options):
        organisation = clean_text(options["organisation"])
        problem = text_problem(organisation, _("organisation"), 200)
        if problem or not organisation:
            raise CommandError(problem or _("Give the organisation's name."))
        if options["daily_quota"] < 1 or options["failure_allowance"] < 1:
            raise CommandError(_("The quota and the allowance must be at least 1."))
        issued = keys.issue_key(
            organisation,
            daily_quota=options["daily_quota"],
            failure_allowance=options["failure_allowance"],
        )
        self.stderr.write(
            _("Key %(prefix)s for %(organisation)s; it is shown this once:")
            % {"prefix": issued.row.prefix, "organisation": organisation}
        )
        self.stdout.write(issued.key)

    def _revoke(self, options):
        if keys.revoke_key(options["prefix"]) is None:
            raise CommandError(
                _("There is no active key %(prefix)s.") % {"prefix": options["prefix"]}
            )
        self.stdout.write(_("Revoked."))

    def _list(self, options):
        for row in VerifierKey.objects.order_by("created_at"):
            state = _("revoked") if row.revoked_at else _("active")
            self.stdout.write(
                f"{row.prefix}\t{state}\t{row.daily_quota}\t"
                f"{row.failure_allowance}\t{row.organisation}"
            )
