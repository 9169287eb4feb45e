"""The ``hocbaso`` console command: the project's management commands.

``hocbaso seed …`` is the same as ``python manage.py seed …``.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocbaso.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["hocbaso", *args])
