"""``hocbaso demo-registry``: the seeded district's last school year signed,
submitted to the registry and locked at its deadlines, after the year before for
one class per level (see registry_demo.py)."""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.demo.registry_demo import prepare_registry
from hocbaso.demo.seed import current_school_year
from hocbaso.records.models import SchoolYear


class Command(BaseCommand):
    help = _(
        "Sign every record of the seeded district's last school year, submit them "
        "to the registry and lock both rounds at their deadlines."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help=_("print a JSON summary")
        )

    def handle(self, *args, **options):
        first = int(current_school_year(timezone.localdate())[:4])
        name = f"{first - 1}-{first}"
        year = SchoolYear.objects.filter(name=name).first()
        if year is None:
            raise CommandError(
                _("There is no school year %(year)s yet: run hocbaso seed first.")
                % {"year": name}
            )
        started = time.perf_counter()
        quiet = options["json"] or options["verbosity"] == 0
        counts = prepare_registry(
            year,
            data_dir=settings.DATA_DIR,
            progress=(lambda m: None) if quiet else self._progress,
            earlier_year=True,
        )
        seconds = round(time.perf_counter() - started, 1)
        if options["json"]:
            self.stdout.write(json.dumps({"seconds": seconds, **counts}, indent=2))
        else:
            summary = ", ".join(f"{k} {v}" for k, v in counts.items())
            self.stdout.write(
                _("Registry ready in %(seconds)s s: %(summary)s")
                % {"seconds": seconds, "summary": summary}
            )

    def _progress(self, message: str) -> None:
        self.stderr.write(f"  … {message}")
