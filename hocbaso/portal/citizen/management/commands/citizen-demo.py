"""hocbaso citizen-demo: demo parents linked to seeded students, and the users
file of the demo OpenID Connect provider."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand
from hocbaso.portal.citizen.demo import DemoCitizen, seed_demo_guardians


class Command(BaseCommand):
    help = _(
        "Link demo parents to the first seeded students and write the demo "
        "identity provider's citizens (JSON) and their logins (text)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=Path, required=True)
        parser.add_argument("--logins", type=Path, required=True)
        parser.add_argument("--count", type=int, default=3)

    def handle(self, *args, **options):
        citizens = seed_demo_guardians(options["count"])
        options["users"].write_text(
            json.dumps(
                [
                    {
                        "personal_id": c.personal_id,
                        "name": c.name,
                        "password": c.password,
                    }
                    for c in citizens
                ],
                ensure_ascii=False,
            )
        )
        lines = [_login_line(c) for c in citizens]
        options["logins"].write_text("\n".join(lines) + "\n")
        self.stdout.write(f"{len(citizens)} demo citizens")


def _login_line(citizen: DemoCitizen) -> str:
    """role, personal id, password and name, tab-separated (scripts/demo prints
    them under that heading), then the children and the mark of where to start."""
    line = f"{citizen.role}\t{citizen.personal_id}\t{citizen.password}\t{citizen.name}"
    if citizen.children:
        line += (
            " ("
            + _("children: %(names)s") % {"names": ", ".join(citizen.children)}
            + ")"
        )
    if citizen.start_here:
        line += "  ← " + _(
            "start here: the child has two locked school years, both shown on "
            "the parent's page and in the transcript on screen"
        )
    return line
