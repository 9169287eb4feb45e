"""Interoperability: Debian's xmlsec1 (libxml2 + OpenSSL) verifies every signature."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from hocbaso.packet import NAMESPACE
from hocbaso.packet.layout import ID_ELEMENTS
from hocbaso.signing.pki import DemoPki

DS = "http://www.w3.org/2000/09/xmldsig#"
XMLSEC = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"


@pytest.fixture(scope="module")
def pems(pki: DemoPki, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    path = tmp_path_factory.mktemp("xmlsec")
    root, intermediate = path / "root.pem", path / "intermediate.pem"
    root.write_bytes(pki.root.certificate.public_bytes(Encoding.PEM))
    intermediate.write_bytes(pki.issuing.certificate.public_bytes(Encoding.PEM))
    return root, intermediate


def xmlsec_verify(
    packet: bytes, signature_id: str, pems: tuple[Path, Path], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    file = tmp_path / "packet.xml"
    file.write_bytes(packet)
    id_attrs = [f"{NAMESPACE}:{name}" for name in ID_ELEMENTS] + [
        f"{DS}:Signature",
        f"{DS}:Object",
    ]
    command = [
        XMLSEC,
        "--verify",
        "--trusted-pem",
        str(pems[0]),
        "--untrusted-pem",
        str(pems[1]),
    ]
    command += ["--enabled-reference-uris", "same-doc", "--node-id", signature_id]
    # Signing is on 2025-06-20; the demo certificates are valid then, and xmlsec1
    # checks them at that time rather than today.
    command += ["--verification-time", "2025-06-20 02:00:00"]
    for attr in id_attrs:
        command += ["--id-attr:Id", attr]
    return subprocess.run(
        [*command, str(file)], capture_output=True, text=True, timeout=30, check=False
    )


def signature_ids(packet: bytes) -> list[str]:
    return [s.get("Id") for s in etree.fromstring(packet).iter(f"{{{DS}}}Signature")]


def test_xmlsec1_verifies_every_signature_of_a_signed_packet(
    signed: bytes, pems: tuple[Path, Path], tmp_path: Path
) -> None:
    ids = signature_ids(signed)
    assert len(ids) == 5
    for signature_id in ids:
        run = xmlsec_verify(signed, signature_id, pems, tmp_path)
        assert run.returncode == 0, (signature_id, run.stderr)
        assert "OK" in run.stdout + run.stderr


def test_xmlsec1_rejects_each_signature_after_a_score_changes(
    signed: bytes, pems: tuple[Path, Path], tmp_path: Path
) -> None:
    tampered = signed.replace(
        b"<diemcanam>7.6</diemcanam>", b"<diemcanam>9.6</diemcanam>"
    )
    covering_toan = [i for i in signature_ids(signed) if "001186022222" not in i]
    for signature_id in covering_toan:
        run = xmlsec_verify(tampered, signature_id, pems, tmp_path)
        assert run.returncode != 0, signature_id


def test_xmlsec1_rejects_the_homeroom_signature_when_an_earlier_signature_is_replaced(
    signed: bytes, pems: tuple[Path, Path], tmp_path: Path
) -> None:
    root = etree.fromstring(signed)
    first = next(root.iter(f"{{{DS}}}SignatureValue"))
    first.text = first.text[:-8] + ("A" * 7 + "=" if first.text[-1] == "=" else "A" * 8)
    tampered = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    homeroom = next(i for i in signature_ids(signed) if "gvcn" in i)
    assert xmlsec_verify(tampered, homeroom, pems, tmp_path).returncode != 0
