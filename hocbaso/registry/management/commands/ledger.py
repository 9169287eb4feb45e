"""``hocbaso ledger``: the registry's transparency log.

hocbaso ledger verify       recompute every entry from the registry, check the
                            tree and the checkpoints, then every submission's
                            state, lock and effective date against the entries;
                            OK, or the mismatches (exit 1)
hocbaso ledger checkpoint   print the latest signed checkpoint
hocbaso ledger key          print the verifier key of the checkpoints
hocbaso ledger witness      ask the witnesses to cosign the latest checkpoint;
                            exit 1 if HOCBASO_WITNESS_POLICY is not met
hocbaso ledger witness-key  print this installation's witness key
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.registry import actions
from hocbaso.registry.cosigning import witness_command


class Command(BaseCommand):
    help = _("Verify the registry's ledger, or print its checkpoint or key.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "what", choices=["verify", "checkpoint", "key", "witness", "witness-key"]
        )

    def handle(self, *args, **options) -> None:
        what = options["what"]
        if what.startswith("witness"):
            witness_command(self, what)
        elif what == "key":
            self.stdout.write(actions.ledger_verifier_key())
        elif what == "checkpoint":
            note = actions.latest_ledger_checkpoint()
            if note is None:
                raise CommandError(_("The ledger is empty."))
            self.stdout.write(note, ending="")
        else:
            self._verify()

    def _verify(self) -> None:
        report = actions.verify_ledger()
        if not report.ok:
            # Every disagreement one a line on stderr, then the count.
            for problem in report.problems[1:]:
                self.stderr.write(
                    _("Ledger mismatch: %(problem)s") % {"problem": problem}
                )
            raise CommandError(
                _("Ledger mismatch: %(problem)s") % {"problem": report.problem}
            )
        self.stdout.write(
            _("OK: %(size)s entries match the registry, the tree and the checkpoint.")
            % {"size": report.size}
        )
