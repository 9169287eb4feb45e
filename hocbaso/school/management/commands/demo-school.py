"""hocbaso demo-school: one class per school of this year ready to finalise and sign."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand
from hocbaso.school.demo import prepare_school_demo


class Command(BaseCommand):
    help = _(
        "Give one class per school of this school year a whole year of demo "
        "assessments (left as drafts) to try the school pages' signing flow."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, **options):
        done = prepare_school_demo(seed=options["seed"])
        for school_class, n in done:
            self.stdout.write(
                f"{school_class.school.name}: class {school_class.name}, {n} records"
            )
        self.stdout.write(f"{len(done)} classes ready to finalise and sign")
