"""hocbaso citizen-demo: demo parents linked to seeded students, and the users
file of the demo OpenID Connect provider."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from hocbaso.portal.citizen.demo import seed_demo_guardians


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
        lines = [
            f"{c.role}\t{c.personal_id}\t{c.password}\t{c.name}"
            + (f" (children: {', '.join(c.children)})" if c.children else "")
            for c in citizens
        ]
        options["logins"].write_text("\n".join(lines) + "\n")
        self.stdout.write(f"{len(citizens)} demo citizens")
