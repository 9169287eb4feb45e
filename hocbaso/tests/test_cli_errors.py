"""A project command that fails says so in one Vietnamese line, ``Lỗi: …``, with
the failure's exit status: not Django's ``CommandError: …``, not a traceback.
Django's own commands keep their output (hocbaso/commands.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.utils import translation

from hocbaso.commands import PlainErrors
from hocbaso.tests.test_cli import PROJECT_COMMANDS

# The same on every database (the commands fail before reading one): once.
pytestmark = pytest.mark.once

HOCBASO = [sys.executable, "-c", "from hocbaso.cli import main; main()"]
MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
CODE = "not-a-lookup-code"


@pytest.fixture
def run(tmp_path):
    """Run a console command in a fresh process on an empty data directory."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "hocbaso.settings",
        "HOCBASO_DATA_DIR": str(tmp_path),
    }

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path
        )

    return run


def _vietnamese(message: str, **values: str) -> str:
    """The message in the project's catalogue, which must have it."""
    with translation.override("vi"):
        text = translation.gettext(message)
    assert text != message
    return text % values


@pytest.mark.parametrize(
    ("argv", "message", "values", "status"),
    [
        (
            [*HOCBASO, "packet", "export", CODE, "--year", "2025-2026"],
            "a lookup code is 32 hexadecimal digits",
            {},
            1,
        ),
        (
            [
                *MANAGE,
                "verifier-key",
                "issue",
                "--organisation",
                "Sở",
                "--daily-quota",
                "0",
            ],
            "The quota and the allowance must be at least 1.",
            {},
            1,
        ),
        (  # a status of the command's own (2: not determined) is kept
            [*HOCBASO, "verify", "missing.xml"],
            "cannot read %(file)s: %(error)s",
            {"file": "missing.xml", "error": os.strerror(2)},
            2,
        ),
    ],
    ids=["hocbaso packet", "manage.py verifier-key", "hocbaso verify"],
)
def test_a_failing_command_says_one_vietnamese_line(run, argv, message, values, status):
    result = run(*argv)
    assert result.returncode == status, result.stderr
    assert result.stderr == f"Lỗi: {_vietnamese(message, **values)}\n"
    assert "CommandError" not in result.stderr and "Traceback" not in result.stderr


def test_with_traceback_the_error_is_raised_as_django_does(run):
    result = run(*HOCBASO, "verify", "missing.xml", "--traceback")
    assert result.returncode != 0
    assert "Traceback" in result.stderr and "CommandError" in result.stderr


def test_called_from_code_a_project_command_still_raises_its_error():
    with pytest.raises(CommandError, match="at least 1"):
        call_command(
            "verifier-key", "issue", "--organisation", "Sở", "--daily-quota", "0"
        )


def test_djangos_own_commands_keep_their_output(run):
    result = run(*MANAGE, "sqlmigrate", "no_such_app", "0001")
    assert result.returncode == 1
    assert result.stderr.startswith("CommandError: ")


@pytest.mark.parametrize("name", PROJECT_COMMANDS)
def test_every_project_command_is_built_on_the_project_base(name):
    command = load_command_class(get_commands()[name], name)
    assert isinstance(command, PlainErrors)
