"""``hocbaso-monitor``: the command line of the monitor (docs/operations.md).

    hocbaso-monitor --url https://hocba.example.vn/api/v1 \\
        --key 'hocba.example.vn/ledger+…+…' --state /var/lib/hocbaso-monitor

The key pins the log (its name is the origin, unless --origin says otherwise).
Exit status: 0 good, 1 a rule broken, 2 a fork (evidence file), 3 not checked.
"""

from __future__ import annotations

import argparse
import gettext
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from hocbaso.ledger import KeyFormatError, VerifierKey
from hocbaso.monitor.client import Fetch, LogClient, http_fetch
from hocbaso.monitor.monitor import FORK, OK, UNCHECKED, Report, run
from hocbaso.monitor.state import MonitorState

_LOCALE = Path(__file__).resolve().parent / "locale"


def _translator(language: str) -> Callable[[str], str]:
    found = gettext.translation("django", _LOCALE, languages=[language], fallback=True)
    return found.gettext


def _texts(_: Callable[[str], str]) -> dict[str, str]:
    return {
        "OK": _(
            "Log %(origin)s: checkpoint %(size)s verified, %(read)s new "
            "entries read, every rule kept."
        ),
        "REVOKED_AFTER_LOCK": _(
            "Entry %(index)s revokes submission %(id)s after a lock covered it."
        ),
        "REPLACED_AFTER_LOCK": _(
            "Entry %(index)s replaces submission %(id)s after a lock covered it."
        ),
        "LOCK_LIST_MISMATCH": _(
            "Entry %(index)s: the published list of lock %(lock)s does "
            "not match the lock's digest."
        ),
        "LOCK_COVERS_UNKNOWN": _(
            "Entry %(index)s: the lock lists submission %(id)s, which no "
            "earlier entry accepted with that packet."
        ),
        "LOCK_BEFORE_SUBMISSION": _(
            "Entry %(index)s: the lock is dated before submission %(id)s it covers."
        ),
        "SAME_SIZE_OTHER_ROOT": _(
            "FORK: two signed checkpoints of the same size with different"
            " roots. Evidence: %(path)s"
        ),
        "NEW_INCONSISTENT": _(
            "FORK: the new signed checkpoint does not extend the one seen"
            " before. Evidence: %(path)s"
        ),
        "OLDER_INCONSISTENT": _(
            "FORK: an older signed checkpoint is not a prefix of the one "
            "seen. Evidence: %(path)s"
        ),
        "STATE_OF_ANOTHER_LOG": _(
            "The state directory follows another log or key; use a directory per log."
        ),
        "BAD_KEY": _("The verifier key is malformed: %(error)s"),
        "UNCHECKED": _("The log could not be checked: %(error)s"),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hocbaso-monitor", description=__doc__)
    parser.add_argument("--url", required=True, help="the log's API base, …/api/v1")
    parser.add_argument("--key", required=True, help="the log's verifier key")
    parser.add_argument("--origin", help="the log's origin (default: the key name)")
    parser.add_argument("--state", required=True, type=Path, help="state directory")
    parser.add_argument("--lang", default="vi", choices=("vi", "en"))
    return parser


def main(argv: Sequence[str] | None = None, fetch: Fetch = http_fetch) -> int:
    """Run once; print what was found; return the exit status."""
    options = _parser().parse_args(argv)
    texts = _texts(_translator(options.lang))
    try:
        key = VerifierKey.from_string(options.key.strip())
    except KeyFormatError as exc:
        print(texts["BAD_KEY"] % {"error": exc}, file=sys.stderr)
        return UNCHECKED
    origin = options.origin or key.name
    state = MonitorState(options.state)
    try:
        report = run(LogClient(options.url, fetch), key, origin, state)
    finally:
        state.close()
    _print(report, texts, origin)
    return report.status


def _print(report: Report, texts: dict[str, str], origin: str) -> None:
    if report.status == OK:
        print(
            texts["OK"] % {"origin": origin, "size": report.size, "read": report.read}
        )
        return
    if report.status == FORK:
        print(texts[report.error] % {"path": report.evidence}, file=sys.stderr)
        return
    if report.status == UNCHECKED:
        text = texts.get(report.error, texts["UNCHECKED"])
        print(text % {"error": report.error}, file=sys.stderr)
        return
    for problem in report.problems:
        params = {"index": problem.index, **problem.params}
        print(texts[problem.code] % params, file=sys.stderr)


def entry_point() -> None:
    sys.exit(main())
