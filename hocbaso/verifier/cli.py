"""``hocbaso-verify FILE [--trust DIR] [--json] [--lang vi|en]``

Exit status: 0 valid; 1 invalid; 2 cannot be determined (an unknown root, no
revocation data) or unusable input (no such file, not a copy, no trust store), as
``hocbaso verify``. Starts without Django; a packet never imports pyHanko.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hocbaso.signing import Status, TrustStore, TrustStoreError, in_language
from hocbaso.verifier.messages import LANGUAGES, translator
from hocbaso.verifier.report import (
    MAX_FILE_BYTES,
    FileReport,
    UnusableFileError,
    verify_file,
)

EXIT_VALID, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2
EXIT_BY_STATUS = {Status.VALID: 0, Status.INVALID: 1, Status.INDETERMINATE: 2}
VERDICTS = {
    Status.VALID: "valid",
    Status.INVALID: "invalid",
    Status.INDETERMINATE: "cannot be determined",
}
ROLES = {
    "subject_teacher": "subject teacher",
    "homeroom_teacher": "homeroom teacher",
    "leader": "principal or deputy",
    "seal": "the school's seal",
}
Translate = Callable[[str], str]


class UsageError(Exception):
    """Unusable input: the message is already in the reader's language."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; the exit status is returned (and used by the script)."""
    args = _parser().parse_args(argv)
    _ = translator(args.lang)
    try:
        data = _read(args.file, _)
        store = _trust_store(args.trust, _)
        report = verify_file(data, store)
    except UsageError as exc:
        return _refuse(str(exc), args.json)
    except UnusableFileError as exc:
        reason = _(exc.template) % exc.params if exc.params else _(exc.template)
        return _refuse(reason, args.json, exc.code)
    if args.json:
        text = json.dumps(to_dict(report, args.file, _), ensure_ascii=False, indent=2)
    else:
        text = to_text(report, args.file, _)
    sys.stdout.write(text + "\n")
    return EXIT_BY_STATUS[report.status]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hocbaso-verify",
        description="Verify a transcript packet (XML) or soft copy (PDF) offline: "
        "0 valid, 1 invalid, 2 cannot be determined or unusable input.",
    )
    parser.add_argument("file", help="the packet or soft copy, or - for stdin")
    parser.add_argument(
        "--trust",
        type=Path,
        default=os.environ.get("HOCBASO_TRUST_STORE") or None,
        help="directory of trusted CA certificates and CRLs (PEM or DER; "
        "default: HOCBASO_TRUST_STORE)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=LANGUAGES, default="vi")
    return parser


def _read(name: str, _: Translate) -> bytes:
    """The bytes, at most one over the limit (verify_file then says why)."""
    try:
        if name == "-":
            return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        with open(name, "rb") as fh:
            return fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(
            _("cannot read %(file)s: %(error)s") % {"file": name, "error": exc.strerror}
        ) from exc


def _trust_store(path: Path | None, _: Translate) -> TrustStore:
    if path is None:
        raise UsageError(
            _("no trust store: give --trust DIR or set HOCBASO_TRUST_STORE")
        )
    if not path.is_dir():
        raise UsageError(
            _("the trust store %(path)s is not a directory") % {"path": path}
        )
    try:
        store = TrustStore.from_directory(path)
    except TrustStoreError as exc:
        raise UsageError(
            _("the trust store %(path)s cannot be read: %(error)s")
            % {"path": path, "error": exc.__cause__ or exc}
        ) from exc
    if not store.anchors:
        raise UsageError(
            _("the trust store %(path)s holds no root certificate") % {"path": path}
        )
    return store


def _refuse(reason: str, as_json: bool, code: str = "UNUSABLE") -> int:
    if as_json:
        body = {"status": "unusable", "code": code, "error": reason}
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stderr.write(reason + "\n")
    return EXIT_UNUSABLE


def to_dict(report: FileReport, name: str, _: Translate) -> dict[str, Any]:
    """The verdict as plain JSON values, reasons in the reader's language."""
    return {
        "file": name,
        "kind": report.kind,
        "status": report.status.value,
        "verdict": _(VERDICTS[report.status]),
        "checks": [_check(c, _) for c in report.checks],
        "packets": [_packet(p, _) for p in report.packets],
        "soft_copy_signatures": [
            {
                "field": s.field_name,
                "signer": s.signer,
                "organisation": s.organisation,
                "issuer": s.issuer,
                "signing_time": s.signing_time and s.signing_time.isoformat(),
                "timestamp": s.timestamp and s.timestamp.isoformat(),
            }
            for s in report.signatures
        ],
        "role_binding": _("the certificates' subjects"),
        "registry": _(
            "not consulted: look the lookup code up on the department's portal to "
            "see whether the record is in force"
        ),
    }


def _check(check: Any, _: Translate) -> dict[str, Any]:
    return {
        "name": check.name,
        "ok": check.ok,
        "indeterminate": check.indeterminate,
        "signature": check.signature_id,
        "reason": in_language(check.reason, _),
    }


def _packet(packet: Any, _: Translate) -> dict[str, Any]:
    result = packet.result
    snapshot = result.snapshot
    return {
        "name": packet.name,
        "status": result.status.value,
        "verdict": _(VERDICTS[result.status]),
        "record": None
        if snapshot is None
        else {
            "school_year": snapshot.school_year,
            "grade": snapshot.grade,
            "class": snapshot.class_name,
            "school": snapshot.school.name,
            "student": snapshot.student.full_name,
        },
        "signatures": [
            {
                "id": s.signature_id,
                "role": s.role.value,
                "identifier": s.identifier,
                "signer": s.signer,
                "signing_time": s.signing_time and s.signing_time.isoformat(),
                "timestamped": s.timestamped,
            }
            for s in result.signatures
        ],
        "checks": [_check(c, _) for c in result.checks],
    }


def to_text(report: FileReport, name: str, _: Translate) -> str:
    """The verdict, each packet's record and signers, then every check."""
    data = to_dict(report, name, _)
    lines = [
        _("File: %(file)s") % {"file": name},
        _("Verdict: %(verdict)s") % data,
    ]
    for s in data["soft_copy_signatures"]:
        lines.append(
            _("Soft copy sealed by %(signer)s (%(organisation)s)") % s
            + f", {s['signing_time']}"
        )
    for packet in data["packets"]:
        lines += _packet_lines(packet, _)
    lines.append(
        _("Signers bound to their roles by: %(how)s") % {"how": data["role_binding"]}
    )
    lines.append(_("Checks:"))
    for check in data["checks"]:
        mark = "✓" if check["ok"] else ("?" if check["indeterminate"] else "✗")
        where = f" [{check['signature']}]" if check["signature"] else ""
        lines.append(f"  {mark} {check['name']}{where}: {check['reason']}")
    lines.append(_("Registry: %(note)s") % {"note": data["registry"]})
    return "\n".join(map(printable, lines))


# What a copy carries reaches the terminal: a name, a certificate's subject, an Id.
# A carriage return, an escape sequence or a bidirectional override in them could
# overwrite or reorder what is shown ("Kết luận: hợp lệ" over a failed check), so
# every control, format, private-use, surrogate or unassigned character is shown
# as its code point instead. JSON escapes C0 controls itself and is read by programs.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})


def printable(line: str) -> str:
    """line with every invisible or controlling character written as <U+XXXX>."""
    if line.isprintable():
        return line
    return "".join(
        f"<U+{ord(c):04X}>" if unicodedata.category(c) in _HIDDEN_CATEGORIES else c
        for c in line
    )


def _packet_lines(packet: dict[str, Any], _: Translate) -> list[str]:
    lines = [_("Packet %(name)s: %(verdict)s") % packet]
    record = packet["record"]
    if record is not None:
        lines.append(
            _(
                "Student: %(student)s, school year %(school_year)s, class %(class)s, "
                "%(school)s"
            )
            % record
        )
    for s in packet["signatures"]:
        role = _(ROLES.get(s["role"], s["role"]))
        lines.append(f"  {role}: {s['signer']}, {s['signing_time']}")
    return lines


def run() -> None:
    """The console script's entry point."""
    sys.exit(main())
