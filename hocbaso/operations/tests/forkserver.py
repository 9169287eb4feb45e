"""Run in a process of its own (``python -m``): start an installation's commands
as forks of one warm interpreter, so that each is a new process, as an operator's
``manage.py`` is, without paying Python's and the libraries' start-up each time.

The server imports only third-party libraries that read no Django setting: it
never configures Django nor imports hocbaso, so every child reads its own
installation's settings from the environment it is given, like a new process.
One request a line on stdin (JSON: argv, a script or ``-m`` and a module, then
arguments; env, cwd, stdout, stderr, timeout); one reply a line on stdout (JSON:
returncode). A child's stdin is /dev/null and its
stdout and stderr are the files named (file descriptors 1 and 2, so the tools it
runs, pg_dump and pg_restore, write there too).
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import runpy
import signal
import sys
import traceback

# The slow imports of ``manage.py`` that need no settings (python -X importtime).
PRELOAD = (
    "django.core.management",
    "django.db.models",
    "django.http",
    "django.urls",
    "django.contrib.auth.hashers",
    "pydantic",
    "cryptography.x509",
    "cryptography.hazmat.primitives.asymmetric.ed25519",
    "asn1crypto.cms",
    "lxml.etree",
    "sqlparse",
    "psycopg",
    "asyncio",
    "email.message",
)


def _preload() -> None:
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception as exc:  # one that needs settings has no place here
            raise SystemExit(f"{name} cannot be preloaded: {exc}") from exc
    from django.conf import settings

    # a setting read here would be the server's, not the installation's
    assert not settings.configured, "a preloaded module configured Django"
    assert "hocbaso.settings" not in sys.modules, "a preloaded module read settings"


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _redirect(fd: int, path: str, flags: int) -> None:
    opened = os.open(path, flags)
    os.dup2(opened, fd)
    os.close(opened)


def _child(request: dict) -> int:
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    _redirect(0, os.devnull, os.O_RDONLY)
    _redirect(1, request["stdout"], os.O_WRONLY | os.O_TRUNC)
    _redirect(2, request["stderr"], os.O_WRONLY | os.O_TRUNC)
    signal.alarm(request["timeout"])  # SIGALRM ends the child, like a timeout
    argv = request["argv"]
    try:
        if argv[0] == "-m":
            sys.argv = argv[1:]
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        else:
            sys.argv = argv
            sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))
            runpy.run_path(argv[0], run_name="__main__")
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    except BaseException:  # as the interpreter reports it
        traceback.print_exc()
        code = 1
    _leave()
    return code


def _leave() -> None:
    """What leaving the interpreter does that a test could see, without its slow
    teardown of every module: atexit (logging, temporary files), Django's
    database connections closed (SQLite folds its WAL into the database file on
    the last close), standard output and error written."""
    atexit._run_exitfuncs()
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()
    gc.collect()  # what nothing refers to any more is closed too
    sys.stdout.flush()
    sys.stderr.flush()


def serve() -> None:
    gc.freeze()  # the children neither scan nor copy the preloaded objects
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    for line in requests:
        pid = os.fork()
        if pid == 0:
            requests.close()
            replies.close()
            os._exit(_child(json.loads(line)))
        _, status = os.waitpid(pid, 0)
        replies.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}))
        replies.write("\n")
        replies.flush()


if __name__ == "__main__":
    _preload()
    serve()
