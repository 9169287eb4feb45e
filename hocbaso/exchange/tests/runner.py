"""One installation's ``manage.py`` commands, run one after the other in a process
that stays up (``python -m hocbaso.exchange.tests.runner``), so the exchange's tests
pay Django's start (about 3.5 s of CPU) once per installation, not once per command.

Reads one JSON list of arguments per line (``["exchange", "status", "--json"]``),
runs it with ``call_command`` as ``manage.py`` would, and answers one JSON line
``{"rc", "stdout", "stderr"}``: a ``CommandError`` is written to stderr as
``manage.py`` writes it and answers 1. Database connections are closed after each
command, so the next one sees what the servers and other processes wrote.
"""

from __future__ import annotations

import io
import json
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connections

    answers = sys.stdout
    for line in sys.stdin:
        args = json.loads(line)
        out, err = io.StringIO(), io.StringIO()
        code = 0
        try:
            with redirect_stdout(out), redirect_stderr(err):
                call_command(*args, stdout=out, stderr=err)
        except CommandError as exc:
            err.write(f"CommandError: {exc}\n")
            code = exc.returncode
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception:
            err.write(traceback.format_exc())
            code = 1
        finally:
            connections.close_all()
        answers.write(
            json.dumps({"rc": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
            + "\n"
        )
        answers.flush()


if __name__ == "__main__":
    main()
