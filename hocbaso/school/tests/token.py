"""A SoftHSM2 token made at run time with softhsm2-util and pkcs11-tool.

Everything runs in subprocesses (the PKCS#11 library is never loaded in the test
process, whose SoftHSM2 configuration other suites set): the keys are generated on
the token, certified by the district's demo CA, registered to their owners, and the
certificate chain stored on the token under the key's label.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from hocbaso.records.certificates import register_certificate
from hocbaso.records.keys import KeyDirectory
from hocbaso.signing.pki import ORGANISATION_PREFIX, _name

CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
PIN, SO_PIN = "246810", "13579246"


def softhsm_module() -> str:
    for path in (os.environ.get("SOFTHSM2_MODULE", ""), *CANDIDATES):
        if path and Path(path).is_file():
            return path
    raise RuntimeError("libsofthsm2.so not found: run scripts/system-deps")


@dataclass
class SoftToken:
    home: Path
    label: str
    module: str
    pin: str = PIN

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "SOFTHSM2_CONF": str(self.home / "softhsm2.conf")}

    def tool(self, *args: str) -> None:
        subprocess.run(
            [
                "pkcs11-tool",
                "--module",
                self.module,
                "--token-label",
                self.label,
                *args,
            ],
            check=True,
            capture_output=True,
            env=self.env,
        )

    def generate(self, label: str, key_id: str, kind: str = "ec"):
        """A key pair on the token; its public key."""
        key_type = "EC:prime256v1" if kind == "ec" else "rsa:2048"
        self.tool(
            "--login", "--pin", self.pin, "--keypairgen", "--key-type", key_type,
            "--label", label, "--id", key_id,
        )  # fmt: skip
        out = self.home / f"{label}.pub.der"
        self.tool(
            "--read-object", "--type", "pubkey", "--label", label, "-o", str(out)
        )  # fmt: skip
        return serialization.load_der_public_key(out.read_bytes())

    def store_chain(self, label: str, key_id: str, chain: list[x509.Certificate]):
        for n, certificate in enumerate(chain):
            path = self.home / f"{label}-{n}.crt.der"
            path.write_bytes(certificate.public_bytes(serialization.Encoding.DER))
            self.tool(
                "--login", "--pin", self.pin, "--write-object", str(path),
                "--type", "cert", "--label", label, "--id", f"{key_id}{n:02d}",
            )  # fmt: skip


def make_token(home: Path, label: str = "hocbaso-school") -> SoftToken:
    (home / "tokens").mkdir(parents=True, exist_ok=True)
    (home / "softhsm2.conf").write_text(
        f"directories.tokendir = {home / 'tokens'}\n"
        "objectstore.backend = file\nlog.level = ERROR\n"
    )
    token = SoftToken(home, label, softhsm_module())
    subprocess.run(
        [
            "softhsm2-util", "--init-token", "--free", "--label", label,
            "--pin", PIN, "--so-pin", SO_PIN,
        ],
        check=True,
        capture_output=True,
        env=token.env,
    )  # fmt: skip
    return token


def add_person_key(token, keys: KeyDirectory, person, label, key_id, now, kind="ec"):
    """The person's key on the token, certified and registered to them."""
    pki = keys.load_ca(now)
    public = token.generate(label, key_id, kind)
    certificate = pki.person_certificate(person.full_name, person.personal_id, public)
    token.store_chain(label, key_id, [certificate, pki.issuing.certificate])
    register_certificate(certificate, person=person)
    return certificate


def add_seal_key(token, keys: KeyDirectory, school, label, key_id, now, kind="ec"):
    """The school's organisation key (the seal) on the token, registered to it."""
    pki = keys.load_ca(now)
    public = token.generate(label, key_id, kind)
    subject = _name(
        school.name, uid=ORGANISATION_PREFIX + school.code, organisation=school.name
    )
    certificate = pki.issuing.certify(subject, public)
    token.store_chain(label, key_id, [certificate, pki.issuing.certificate])
    register_certificate(certificate, school=school)
    return certificate
