"""The console command as a tool for people: help, the list, quiet output."""

from __future__ import annotations

import argparse
import importlib
import os
import re
import subprocess
import sys
from importlib import import_module

import pytest
from django.core.management import get_commands, load_command_class
from django.core.management.base import BaseCommand
from django.utils import translation

from hocbaso.cli import command_list, main
from hocbaso.tests.test_vietnamese_pages import english_in

PROJECT_COMMANDS = sorted(
    name for name, app in get_commands().items() if app.startswith("hocbaso")
)


@pytest.mark.parametrize("name", PROJECT_COMMANDS)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_project_command_formats_its_help(name, language):
    command = load_command_class(get_commands()[name], name)
    with translation.override(language):
        parser = command.create_parser("hocbaso", name)
        text = parser.format_help()
    usage = {"vi": "cách dùng", "en": "usage"}[language]
    assert text.startswith(f"{usage}: hocbaso {name}")
    assert " ".join(str(command.help).split())[:30] in " ".join(text.split())


def test_the_list_names_the_project_commands_first_with_their_help():
    text = command_list()
    ours, _, django_part = text.partition(
        "\n\n",
    )[2].partition("\n\n")
    lines = ours.splitlines()[1:]
    assert [line.split()[0] for line in lines] == PROJECT_COMMANDS
    assert all(len(line.split()) > 2 for line in lines)  # a summary each
    assert "  migrate" in django_part
    assert "  seed" not in django_part


def test_the_console_command_alone_prints_the_list():
    result = _run([sys.executable, "-c", "from hocbaso.cli import main; main([])"])
    assert result.returncode == 0, result.stderr
    assert "  print " in result.stdout and result.stderr == ""
    # the project's commands first, every one of them, then Django's
    ours, django = result.stdout.split("\n\nCác lệnh của Django:\n")
    listed = [
        line.split()[0]
        for line in ours.split("Các lệnh của hocbaso:\n")[1].splitlines()
    ]
    assert listed == PROJECT_COMMANDS
    assert "  migrate" in django and "  seed" not in django


def test_making_the_stamp_font_writes_nothing_on_stderr():
    # fontTools logs each table it subsets at INFO (hundreds of lines per
    # print); with the project's logging only warnings get through.
    script = (
        "import django; django.setup();"
        "from hocbaso.printing._stampfont import stamp_font_bytes;"
        "assert stamp_font_bytes()"
    )
    result = _run([sys.executable, "-c", script])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hocbaso.settings"}
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)


def _project_helps(parser, top: bool = True) -> list[str]:
    """The help texts the project wrote: Django's and argparse's own are left out."""
    skip = {a.dest for a in BaseCommand().create_parser("x", "y")._actions}
    texts = [parser.description or ""]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or (top and action.dest in skip):
            continue
        texts.append(action.help or "")
        if isinstance(action, argparse._SubParsersAction):
            texts += [choice.help or "" for choice in action._choices_actions]
            for sub in action.choices.values():
                texts += _project_helps(sub, top=False)
    return texts


@pytest.mark.parametrize("name", PROJECT_COMMANDS)
def test_every_project_commands_help_reads_in_vietnamese(name):
    # A command's ``help`` is translated when its module is run: run it again in vi.
    module = import_module(f"{get_commands()[name]}.management.commands.{name}")
    with translation.override("vi"):
        command = importlib.reload(module).Command()
        texts = [str(command.help), *_project_helps(command.create_parser("h", name))]
    assert not english_in(" ".join(texts)), texts
    with translation.override("en"):
        english = _project_helps(command.create_parser("h", name))
    untranslated = [
        t for t, e in zip(texts[2:], english[1:], strict=True) if t and t == e
    ]
    assert not [t for t in untranslated if re.search(r"[a-z]{3} [a-z]{3}", t)]


# argparse's own phrases and those of the options Django adds to every command.
ARGPARSE_ENGLISH = (
    "usage:",
    "options:",
    "show this help message and exit",
    "positional arguments",
    "error:",
    "the following arguments are required",
    "Show program's version number and exit",
    "Verbosity level",
    "Skip system checks",
)


@pytest.mark.parametrize("name", PROJECT_COMMANDS)
def test_every_project_commands_help_has_no_english_argparse_phrase(name, capsys):
    with translation.override("vi"), pytest.raises(SystemExit) as exited:
        main([name, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"cách dùng: hocbaso {name}")
    assert "hiện trợ giúp này rồi thoát" in text
    assert [p for p in ARGPARSE_ENGLISH if p in text] == []


def test_a_missing_argument_is_named_in_vietnamese(capsys):
    with translation.override("vi"), pytest.raises(SystemExit) as exited:
        main(["records"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "hocbaso records: lỗi: còn thiếu các tham số bắt buộc: action" in error
    assert [p for p in ARGPARSE_ENGLISH if p in error] == []


def test_argparse_stays_english_for_an_english_reader(capsys):
    with translation.override("en"), pytest.raises(SystemExit):
        main(["records", "--help"])
    text = capsys.readouterr().out
    assert text.startswith("usage: hocbaso records")
    assert "show this help message and exit" in text


def test_an_unknown_command_is_named_in_vietnamese(capsys):
    with translation.override("vi"), pytest.raises(SystemExit) as exited:
        main(["sedd"])
    assert exited.value.code == 1
    error = capsys.readouterr().err
    assert "Không có lệnh sedd. Có phải ý bạn là seed?" in error
    assert "Unknown command" not in error and "usage" not in error
