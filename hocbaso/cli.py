"""The ``hocbaso`` console command: the project's management commands.

``hocbaso seed …`` is the same as ``python manage.py seed …``. ``hocbaso``
alone (or ``hocbaso help``) lists the project's own commands first, a line
each, then Django's.
"""

import os
import sys
from difflib import get_close_matches

_ASKS_FOR_LIST = ([], ["help"], ["-h"], ["--help"])


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocbaso.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args in _ASKS_FOR_LIST:
        sys.stdout.write(command_list())
        return
    if args and not args[0].startswith("-") and args[0] != "help":
        _refuse_unknown(args[0])
    execute_from_command_line(["hocbaso", *args])


def _refuse_unknown(name: str) -> None:
    """Django answers an unknown command in English: say it in the reader's."""
    import django
    from django.core.management import get_commands
    from django.utils.translation import gettext as _

    django.setup()
    commands = get_commands()
    if name in commands:
        return
    close = get_close_matches(name, commands)
    sys.stderr.write(_("Unknown command: %(name)s.") % {"name": name})
    if close:
        sys.stderr.write(" " + _("Did you mean %(name)s?") % {"name": close[0]})
    sys.stderr.write("\n" + _("hocbaso help lists the commands.") + "\n")
    sys.exit(1)


def command_list() -> str:
    """The project's commands with their help's first sentence, then Django's."""
    import django
    from django.core.management import get_commands, load_command_class
    from django.utils.translation import gettext as _

    django.setup()
    commands = get_commands()
    ours = sorted(name for name, app in commands.items() if _is_ours(app))
    width = max(map(len, ours), default=0) + 2
    lines = [_("Usage: hocbaso <command> [options]; hocbaso <command> --help"), ""]
    lines += [_("The commands of hocbaso:")]
    for name in ours:
        summary = _first_sentence(str(load_command_class(commands[name], name).help))
        lines.append(f"  {name.ljust(width)}{summary}")
    lines += ["", _("Django's commands:")]
    theirs = sorted(name for name, app in commands.items() if not _is_ours(app))
    lines += [f"  {name}" for name in theirs]
    return "\n".join(lines) + "\n"


def _is_ours(app: str) -> bool:
    return app == "hocbaso" or app.startswith("hocbaso.")


def _first_sentence(text: str) -> str:
    line = " ".join(text.split())
    end = line.find(". ")
    return line if end < 0 else line[: end + 1]
