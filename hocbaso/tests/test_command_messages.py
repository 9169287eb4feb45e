"""What the project's commands tell their reader is in Vietnamese: every
``CommandError`` message goes through gettext (English msgid, Vietnamese in the
apps' .po), and so does their ordinary output (hocbaso/commands.py prints the
error as ``Lỗi: <message>``)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from hocbaso.exchange.models import Peer

PACKAGE = Path(settings.BASE_DIR) / "hocbaso"
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}


def _words_outside_gettext(node: ast.AST) -> list[ast.Constant]:
    """The string constants holding a letter in ``node`` that no gettext call
    wraps: "unknown %s" % x, f"no {x}", "no " + _("x"), "…".format(x). Keys are
    not words: a dict's keys, a subscript's, what ``.get()`` looks up."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node] if any(c.isalpha() for c in node.value) else []
    if isinstance(node, ast.Dict):
        children = node.values
    elif isinstance(node, ast.Subscript):
        children = [node.value]
    elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get":
        children = [node.func]
    else:
        children = list(ast.iter_child_nodes(node))
    return [c for child in children if child for c in _words_outside_gettext(child)]


def _untranslated(source: str, name: str) -> list[str]:
    """Each ``CommandError(...)`` of the module whose message has words outside
    gettext, and each gettext of an f-string (its msgid is never in a catalogue)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        message = node.args[:1]
        if called == "CommandError" and any(map(_words_outside_gettext, message)):
            found.append(f"{name}:{node.lineno}")
        elif called in GETTEXT and any(isinstance(a, ast.JoinedStr) for a in node.args):
            found.append(f"{name}:{node.lineno} (gettext of an f-string)")
    return found


def _modules_raising_command_errors() -> dict[str, str]:
    return {
        str(path.relative_to(PACKAGE.parent)): text
        for path in sorted(PACKAGE.rglob("*.py"))
        if "tests" not in path.parts
        and "CommandError(" in (text := path.read_text(encoding="utf-8"))
    }


@pytest.mark.once
def test_no_command_error_carries_an_english_literal():
    modules = _modules_raising_command_errors()
    assert len(modules) > 15  # the scan does reach the commands
    found = [
        line for name, text in modules.items() for line in _untranslated(text, name)
    ]
    assert found == [], "CommandError with words outside gettext: " + ", ".join(found)


@pytest.mark.once
@pytest.mark.parametrize(
    "source",
    [
        'raise CommandError(f"unknown school {code!r}")',
        'raise CommandError("unknown user %r" % name, returncode=2)',
        'raise CommandError(_("no school") + " here")',
        'raise CommandError("no {}".format(code))',
        'raise base.CommandError("no school")',
        'raise CommandError(_(f"unknown school {code}"))',
    ],
)
def test_the_scan_finds_english_however_it_is_built(source):
    assert _untranslated(source, "m.py") == ["m.py:1"] or "f-string" in str(
        _untranslated(source, "m.py")
    )


@pytest.mark.once
def test_letter_free_formats_and_translated_messages_pass_the_scan():
    source = (
        'raise CommandError(f"{exc} ({exc.code})")\n'
        'raise CommandError(_("no school %(code)r") % {"code": code})\n'
        "raise CommandError(str(exc), returncode=2)\n"
    )
    assert _untranslated(source, "m.py") == []


def _error(*args: str) -> str:
    with pytest.raises(CommandError) as caught, translation.override("vi"):
        call_command(*args)
    return str(caught.value)


def test_import_names_the_unknown_school_and_login_in_vietnamese(world):
    assert (
        _error("import", __file__, "--school", "NOPE") == "Không có trường mã 'NOPE'."
    )
    assert _error("import", __file__, "--user", "ai đó") == (
        "Không có tài khoản đăng nhập 'ai đó' đang hoạt động."
    )


def test_import_template_says_which_of_its_arguments_is_wrong(world, tmp_path):
    out = str(tmp_path / "lop.xlsx")
    year = world.year.name
    assert _error(
        "import-template", "students", "--school", "TH-A", "--year", "1999-2000",
        "-o", out,
    ) == "Không có năm học '1999-2000'."  # fmt: skip
    assert (
        _error(
            "import-template", "class", "--school", "TH-A", "--year", year, "-o", out
        )
        == "Hãy ghi tên lớp bằng --class TÊN_LỚP."
    )
    assert _error(
        "import-template", "class", "--school", "TH-A", "--year", year,
        "--class", "9Z", "-o", out,
    ) == f"Trường TH-A không có lớp '9Z' trong năm học {year}."  # fmt: skip


def test_demo_registry_before_the_seed_says_what_to_run(db):
    assert _error("demo-registry").endswith(": hãy chạy hocbaso seed trước.")


def test_records_list_speaks_vietnamese(world):
    out = StringIO()
    with translation.override("vi"):
        call_command("records", "list", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Mã tra cứu") and "Năm học" in lines[0]
    assert lines[-1] == "4 trang học bạ năm học"
    assert _error("records", "list", "--limit", "-1") == "--limit phải từ 0 trở lên."


def _trust_file(tmp_path, peers) -> str:
    path = tmp_path / "peers.json"
    path.write_text(json.dumps(peers), encoding="utf-8")
    return str(path)


def test_a_bad_peer_in_a_file_registers_none_of_them(db, tmp_path):
    good = {"code": "hcm", "kind": "department", "key": "k", "ca": []}
    bad = {"code": "dn", "kind": "school", "key": "k", "ca": []}
    message = _error("exchange", "trust", "--file", _trust_file(tmp_path, [good, bad]))
    assert message == (
        "Đơn vị dn: loại (kind) phải là department hoặc national, không phải 'school'."
    )
    assert not Peer.objects.exists()  # hcm, checked first, is not registered either


@pytest.mark.parametrize(
    ("peer", "message"),
    [
        (
            {"code": "../../web", "kind": "department", "key": "k"},
            "Đơn vị thứ 1: mã '../../web' chỉ được gồm chữ cái, chữ số, - và _ "
            "(tối đa 20 kí tự).",
        ),
        ({"code": "dn", "kind": "department"}, "Đơn vị thứ 1: thiếu key."),
        (
            {"code": "dn", "kind": "department", "key": "k", "url": 5},
            "Đơn vị dn: url phải là chuỗi kí tự.",
        ),
        (
            {
                "code": "dn",
                "kind": "department",
                "key": "k",
                "valid_from": "2026-09-05",
            },
            "Đơn vị dn: valid_from '2026-09-05' không phải là thời điểm ISO 8601 có "
            "độ lệch múi giờ, ví dụ 2026-09-05T00:00:00+07:00.",
        ),
        (
            {"code": "dn", "kind": "department", "key": "k", "ca": ["/no/ca.pem"]},
            "Đơn vị dn: không đọc được chứng thư CA /no/ca.pem: " + os.strerror(2),
        ),
    ],
    ids=["code outside its directory", "no key", "url", "naive time", "missing ca"],
)
def test_each_bad_field_of_a_peer_is_named(db, tmp_path, peer, message):
    assert _error("exchange", "trust", "--file", _trust_file(tmp_path, [peer])) == (
        message
    )
    assert not Peer.objects.exists()


def test_a_peer_listed_twice_and_a_file_that_is_not_json_are_refused(db, tmp_path):
    peer = {"code": "dn", "kind": "department", "key": "k"}
    twice = _trust_file(tmp_path, [peer, peer | {"key": "other"}])
    assert _error("exchange", "trust", "--file", twice) == (
        "Đơn vị dn xuất hiện hai lần trong danh sách."
    )
    (tmp_path / "peers.json").write_text("[{", encoding="utf-8")
    assert _error("exchange", "trust", "--file", twice).startswith(
        f"{twice} không phải là JSON hợp lệ: "
    )
    assert _error("exchange", "trust", "--code", "dn") == (
        "Lệnh trust cần đủ --code, --kind và --key, hoặc --file."
    )


def test_trusted_peers_are_told_in_vietnamese(db, tmp_path):
    peers = [{"code": c, "kind": "department", "key": "k"} for c in ("hcm", "dn")]
    out = StringIO()
    with translation.override("vi"):
        call_command(
            "exchange", "trust", "--file", _trust_file(tmp_path, peers), stdout=out
        )
    assert out.getvalue().splitlines() == [
        "Đã đăng ký hcm là đơn vị tin cậy.",
        "Đã đăng ký dn là đơn vị tin cậy.",
    ]
    assert set(Peer.objects.values_list("code", flat=True)) == {"hcm", "dn"}


@pytest.mark.once
def test_at_the_command_line_the_error_is_vietnamese_without_asking(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "hocbaso.settings",
        "HOCBASO_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", "from hocbaso.cli import main; main()", "records",
         "list", "--limit", "-1"],
        capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (1, "Lỗi: --limit phải từ 0 trở lên.\n")


def test_an_unreadable_consent_or_peers_file_is_named(world, tmp_path):
    missing = str(tmp_path / "consent.txt")
    assert _error(
        "exchange", "request-transfer", "--from", "79", "--student", "HSA000001",
        "--level", "primary", "--school", "TH-A", "--consent-file", missing,
        "--as", "gv_a",
    ) == f"không đọc được {missing}: {os.strerror(2)}"  # fmt: skip
    latin = tmp_path / "peers.json"
    latin.write_bytes('[{"code": "dn", "name": "Sô"}]'.encode("latin-1"))
    assert _error("exchange", "trust", "--file", str(latin)) == (
        f"{latin} không phải là văn bản UTF-8."
    )
