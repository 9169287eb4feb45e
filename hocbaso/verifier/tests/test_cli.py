"""hocbaso-verify on a packet: verdicts, reasons in Vietnamese, exit codes, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hocbaso.verifier import cli
from hocbaso.verifier.report import MAX_FILE_BYTES
from hocbaso.verifier.tests.signed import without_seal


def _run(capsys, *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _file(tmp_path: Path, data: bytes, name: str = "copy.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_valid_packet_exits_0_and_says_so_in_vietnamese(signed, tmp_path, capsys):
    path = _file(tmp_path, signed.packets["valid"])
    code, out, _err = _run(capsys, path, "--trust", signed.trust_dir)
    assert code == 0
    assert "Kết luận: hợp lệ" in out
    assert "Học sinh: Lê Hoàng Bảo Ngọc, năm học 2024-2025" in out
    assert "con dấu của nhà trường: " in out
    assert "✗" not in out and "?" not in out.split("Các bước kiểm tra:")[1]


@pytest.mark.parametrize(
    ("case", "check", "words"),
    [
        ("tampered value", "integrity", "nội dung của #data đã bị thay đổi sau khi ký"),
        ("wrong signer", "role_binding", "chứng thư số không ghi tên 01023456"),
        ("missing seal", "complete", "chưa ký: con dấu số của trường 01023456"),
        ("comment-split value", "schema", "gói dữ liệu có chú thích XML"),
    ],
)
def test_each_forgery_exits_1_naming_the_check(
    signed, tmp_path, capsys, case, check, words
):
    path = _file(tmp_path, signed.packets[case])
    code, out, _err = _run(capsys, path, "--trust", signed.trust_dir, "--json")
    assert code == 1
    report = json.loads(out)
    assert report["status"] == "invalid" and report["verdict"] == "không hợp lệ"
    failed = [c for c in report["checks"] if not c["ok"]]
    assert any(c["name"] == check and words in c["reason"] for c in failed), failed


def test_a_packet_from_an_unknown_root_cannot_be_determined(signed, tmp_path, capsys):
    path = _file(tmp_path, signed.packets["valid"])
    code, out, _err = _run(capsys, path, "--trust", signed.stranger_trust_dir)
    assert code == 2
    assert "Kết luận: chưa xác định được" in out
    assert "? chain" in out


def test_json_keeps_vietnamese_letters_and_english_is_asked_for(
    signed, tmp_path, capsys
):
    path = _file(tmp_path, signed.packets["valid"])
    _code, out, _err = _run(capsys, path, "--trust", signed.trust_dir, "--json")
    assert '"verdict": "hợp lệ"' in out and "\\u" not in out
    _code, out, _err = _run(capsys, path, "--trust", signed.trust_dir, "--lang", "en")
    assert "Verdict: valid" in out and "the school's seal" in out


def test_a_seal_removed_by_hand_is_missing_too(signed, tmp_path, capsys):
    path = _file(tmp_path, without_seal(signed.packets["valid"]))
    code, out, _err = _run(capsys, path, "--trust", signed.trust_dir)
    assert code == 1
    assert "✗ complete" in out


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"GIF89a", "không phải bản sao điện tử PDF"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>', "DTD"),
        (b"<" + b"x" * (MAX_FILE_BYTES + 1), "Tệp lớn hơn mọi bản sao học bạ"),
    ],
)
def test_what_is_not_a_copy_exits_2_with_a_sentence(
    signed, tmp_path, capsys, data, words
):
    path = _file(tmp_path, data)
    code, out, err = _run(capsys, path, "--trust", signed.trust_dir)
    assert code == 2 and out == ""
    assert words in err


def test_no_file_or_no_trust_store_exits_2(signed, tmp_path, capsys, monkeypatch):
    code, _out, err = _run(capsys, tmp_path / "none.xml", "--trust", signed.trust_dir)
    assert code == 2 and "none.xml" in err
    monkeypatch.delenv("HOCBASO_TRUST_STORE", raising=False)
    code, _out, err = _run(capsys, _file(tmp_path, signed.packets["valid"]))
    assert code == 2 and "chưa có kho chứng thư tin cậy" in err
    code, out, _err = _run(
        capsys, tmp_path / "copy.xml", "--trust", tmp_path / "copy.xml", "--json"
    )
    assert code == 2 and json.loads(out)["status"] == "unusable"


def test_the_size_limit_is_the_soft_copy_limit():
    from hocbaso.printing.verify import MAX_PDF_BYTES

    assert MAX_FILE_BYTES == MAX_PDF_BYTES


def test_what_a_copy_carries_cannot_move_the_terminals_cursor(signed, tmp_path, capsys):
    # A carriage return and a right-to-left override in the name: on a terminal
    # they would print a fake verdict over the line or reverse what follows.
    packet = signed.packets["valid"]
    at = packet.index(b"<hovaten>") + len(b"<hovaten>")
    forged = packet[:at] + "&#13;Kết luận: hợp lệ &#x202E;".encode() + packet[at:]
    code, out, _err = _run(capsys, _file(tmp_path, forged), "--trust", signed.trust_dir)
    assert code == 1
    assert "\r" not in out and "\u202e" not in out
    assert "<U+000D>Kết luận: hợp lệ <U+202E>" in out


def test_an_unreadable_trust_store_is_named_in_vietnamese(signed, tmp_path, capsys):
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "root.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nnot base64")
    path = _file(tmp_path, signed.packets["valid"])
    code, _out, err = _run(capsys, path, "--trust", trust)
    assert code == 2
    assert "không đọc được kho chứng thư tin cậy" in err
