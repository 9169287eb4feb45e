"""hocbaso sign-agent: the local signing agent (hocbaso.signing.agent), Django-free.

Every argument is the agent's own; see ``hocbaso sign-agent --help``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand
from hocbaso.signing import agent


class Command(BaseCommand):
    help = _("Sign the school pages' digests with a PKCS#11 token on this computer.")

    def run_from_argv(self, argv):
        # argv: [manage.py, "sign-agent", ...]: the agent parses the rest itself.
        raise SystemExit(agent.main(argv[2:]))

    def handle(self, *args, **options):  # pragma: no cover - run_from_argv answers
        raise SystemExit(agent.main([]))
