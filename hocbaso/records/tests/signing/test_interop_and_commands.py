"""A class's issued packets: xmlsec1 agrees, and `packet export` / `verify` work.

Exit statuses of `hocbaso verify`: 0 valid, 1 invalid, 2 undetermined or bad input.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from hocbaso.packet import NAMESPACE
from hocbaso.packet.layout import ID_ELEMENTS
from hocbaso.records.tests.signing.conftest import sign_class
from hocbaso.signing.pki import create_demo_pki
from hocbaso.signing.tests.test_xmlsec import DS, XMLSEC, signature_ids


@pytest.fixture
def issued(district, db):
    """The secondary class signed by everyone; its first record."""
    sign_class(district, district.secondary)
    return district.records(district.secondary).select_related("packet").first()


def _xmlsec_verify(packet: Path, signature_id: str, trust: Path):
    command = [XMLSEC, "--verify", "--trusted-pem", str(trust / "root.pem")]
    command += ["--untrusted-pem", str(trust / "issuing-ca.pem")]
    command += ["--enabled-reference-uris", "same-doc", "--node-id", signature_id]
    for attr in [f"{NAMESPACE}:{name}" for name in ID_ELEMENTS] + [
        f"{DS}:Signature",
        f"{DS}:Object",
    ]:
        command += ["--id-attr:Id", attr]
    return subprocess.run(
        [*command, str(packet)], capture_output=True, text=True, timeout=30
    )


def test_xmlsec1_verifies_every_signature_of_an_issued_packet(
    district, issued, tmp_path
):
    data = bytes(issued.packet.data)
    file = tmp_path / "packet.xml"
    file.write_bytes(data)
    ids = signature_ids(data)
    teachers = {
        p.pk for p in district.signers(district.secondary).subject_teachers.values()
    }
    assert len(ids) == len(teachers) + 3
    for signature_id in ids:
        run = _xmlsec_verify(file, signature_id, district.trust_dir)
        assert run.returncode == 0, (signature_id, run.stderr)


def _export(issued, *args) -> None:
    code = issued.transcript.lookup_code
    call_command("packet", "export", code, "--year", issued.school_year.name, *args)


def _verify(path: Path, *args) -> int:
    try:
        call_command("verify", str(path), *args)
    except CommandError as exc:
        return exc.returncode
    return 0


def test_an_exported_issued_packet_verifies_with_status_0(issued, tmp_path, capsys):
    out = tmp_path / "hocba.xml"
    _export(issued, "-o", str(out))
    assert out.read_bytes() == bytes(issued.packet.data)
    assert issued.transcript.lookup_code not in capsys.readouterr().err
    assert _verify(out) == 0
    report = capsys.readouterr().out
    assert report.startswith("Verdict: valid")
    assert "registered certificates" in report


def test_a_tampered_packet_exits_with_status_1(issued, tmp_path, capsys):
    data = bytes(issued.packet.data)
    name = issued.transcript.student.full_name.encode()
    tampered = tmp_path / "tampered.xml"
    tampered.write_bytes(data.replace(name, "Nguyễn Văn Sửa".encode(), 1))
    assert _verify(tampered, "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "invalid"
    assert any(c["name"] == "integrity" and not c["ok"] for c in report["checks"])


def test_an_untrusted_root_exits_with_status_2(issued, tmp_path):
    packet = tmp_path / "hocba.xml"
    packet.write_bytes(bytes(issued.packet.data))
    strangers = tmp_path / "other-trust"
    create_demo_pki().write_trust_directory(strangers)
    assert _verify(packet, "--trust-store", str(strangers)) == 2


def test_a_missing_file_or_trust_store_exits_with_status_2(issued, tmp_path):
    assert _verify(tmp_path / "nothing.xml") == 2
    packet = tmp_path / "hocba.xml"
    packet.write_bytes(bytes(issued.packet.data))
    assert _verify(packet, "--trust-store", str(tmp_path / "none")) == 2


def test_the_json_report_keeps_vietnamese_letters(issued, tmp_path, capsys):
    packet = tmp_path / "hocba.xml"
    packet.write_bytes(bytes(issued.packet.data))
    assert _verify(packet, "--json") == 0
    out = capsys.readouterr().out
    assert issued.school.name in out  # "Trường THCS …", not \u escapes
    assert json.loads(out)["role_binding"] == "records"


def test_the_exit_status_of_the_process_itself(issued, tmp_path):
    """Offline (no records database): valid 0, tampered 1, untrusted root 2."""
    good, bad = tmp_path / "good.xml", tmp_path / "bad.xml"
    good.write_bytes(bytes(issued.packet.data))
    bad.write_bytes(good.read_bytes().replace(b"<diemcanam>", b"<diemcanam>1", 1))
    strangers = tmp_path / "strangers"
    create_demo_pki().write_trust_directory(strangers)
    env = {**os.environ, "HOCBASO_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py"), "verify"]
    trust = ["--trust-store", str(settings.HOCBASO_TRUST_STORE)]
    codes = [
        subprocess.run([*manage, *args], env=env, capture_output=True).returncode
        for args in (
            [str(good), *trust, "--offline"],
            [str(bad), *trust],
            [str(good), "--trust-store", str(strangers)],
        )
    ]
    assert codes == [0, 1, 2]


def test_a_record_nobody_signed_is_not_exported_unless_asked(district, db, tmp_path):
    record = district.records(district.primary).first()
    with pytest.raises(CommandError, match="nobody has signed"):
        _export(record, "-o", str(tmp_path / "x.xml"))
    _export(record, "--unsigned", "-o", str(tmp_path / "preview.xml"))
    preview = (tmp_path / "preview.xml").read_bytes()
    assert b"<Signature" not in preview and b"<HOC_BA" in preview


def test_an_unknown_lookup_code_is_refused_without_echoing_it(district, db):
    code = "0123456789abcdef0123456789abcdef"
    with pytest.raises(CommandError) as refused:
        call_command("packet", "export", code, "--year", district.year.name)
    assert code not in str(refused.value)
    assert "no transcript" in str(refused.value)
