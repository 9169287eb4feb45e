"""``hocbaso seed``: create the demo district."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path

from django.core.management import call_command
from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.demo.seed import SCALES, SeedError, seed_district


class Command(BaseCommand):
    help = _(
        "Create a demo district: organisations, staff with logins, students, "
        "two school years of records."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1, help=_("random seed"))
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help=_("the date the demo is set on (YYYY-MM-DD); default: today"),
        )
        parser.add_argument(
            "--password",
            help=_("password of every demo login (default: a new random one)"),
        )
        parser.add_argument("--logins", type=Path, help=_("write the demo logins here"))
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_("empty the database first (flush): every row is lost"),
        )
        parser.add_argument(
            "--json", action="store_true", help=_("print a JSON summary")
        )

    def handle(self, *args, **options):
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        password = options["password"] or secrets.token_urlsafe(9)
        quiet = options["json"] or options["verbosity"] == 0
        progress = (lambda m: None) if quiet else self._progress
        try:
            summary = seed_district(
                scale=options["scale"],
                seed=options["seed"],
                today=options["today"],
                password=password,
                progress=progress,
            )
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        if options["logins"]:
            _write_logins(options["logins"], summary.logins, summary.start)
        if options["json"]:
            out = {"seconds": round(summary.seconds, 2), **summary.counts}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"Seeded in {summary.seconds:.1f} s: "
            + ", ".join(f"{k} {v}" for k, v in sorted(summary.counts.items()))
        )
        if not options["logins"]:
            for login in summary.logins:
                self.stdout.write(f"{login.role}: {login.username} / {login.password}")
            if summary.start:
                self.stdout.write(start_line(summary.start))

    def _progress(self, message: str) -> None:
        self.stderr.write(f"  … {message}")


def start_line(start: tuple[str, str, str]) -> str:
    """Where to begin: the primary demo class's homeroom teacher, its mark book."""
    username, class_name, year = start
    return _(
        "Start: log in as %(username)s → Class %(class)s, %(year)s → "
        "Mark book of the class"
    ) % {"username": username, "class": class_name, "year": year}


def _write_logins(path: Path, logins, start) -> None:
    """The logins file is private: it holds the demo password."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"  {login.role:<20} {login.username:<28} {login.password}  ({login.where})"
        for login in logins
    ]
    if start:
        lines.append("  " + start_line(start))
    path.touch(mode=0o600)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
