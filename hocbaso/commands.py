"""The base of the project's management commands (``hocbaso <command>`` and
``manage.py <command>`` alike).

Django's ``BaseCommand.run_from_argv`` writes a failed command's ``CommandError``
as ``CommandError: <message>``: an English class name before the reader's
sentence. A project command says it as one line, ``Lỗi: <message>`` (the same
word argparse's own errors use, hocbaso/records/management/__init__.py), and
exits with the error's status, without a traceback (``--traceback`` still shows
it). Only commands built on this base change: Django's own keep their output.

    from hocbaso.commands import BaseCommand, CommandError

A command built on another command class (the worker on django-tasks'
``db_worker``) puts ``PlainErrors`` first among its bases.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management import base
from django.core.management.base import CommandError, SystemCheckError
from django.utils.translation import gettext as _

__all__ = ["BaseCommand", "CommandError", "PlainErrors"]


class PlainErrors:
    """A ``CommandError`` at the command line: one line in the reader's language
    on stderr and the error's exit status. Called from code (``call_command``), the
    error is raised as Django raises it, so callers and tests still catch it."""

    _called_from_command_line: bool | None
    stderr: base.OutputWrapper

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)  # type: ignore[misc]
        except CommandError as error:
            if _raised_as_django_does(self, error, options):
                raise
            self.stderr.write(_("Error: %(message)s") % {"message": error})
            sys.exit(error.returncode)


def _raised_as_django_does(command: PlainErrors, error: CommandError, options) -> bool:
    # A system check's error formats itself over several lines: Django's own way.
    return (
        not command._called_from_command_line
        or bool(options.get("traceback"))
        or isinstance(error, SystemCheckError)
    )


class BaseCommand(PlainErrors, base.BaseCommand):
    """Django's ``BaseCommand`` whose failures read as ``Lỗi: <message>``."""
