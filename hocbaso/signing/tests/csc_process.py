"""The CSC service as a subprocess over a SoftHSM2 token made at run time.

softhsm2-util and pkcs11-tool run in subprocesses and so does the service: the
PKCS#11 library is never loaded in the test process, whose SoftHSM2 configuration
other suites set. Keys are generated on the token; the test CA certifies them.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from hocbaso.signing.tests.test_pkcs11 import softhsm_module

PIN, SO_PIN = "135790", "97531086"
CLIENT_ID, CLIENT_SECRET = "hocbaso-test", "csc-client-secret-for-tests"


@dataclass
class CscToken:
    home: Path
    label: str
    module: str = field(default_factory=softhsm_module)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "SOFTHSM2_CONF": str(self.home / "softhsm2.conf")}

    def init(self) -> CscToken:
        (self.home / "tokens").mkdir(parents=True, exist_ok=True)
        (self.home / "softhsm2.conf").write_text(
            f"directories.tokendir = {self.home / 'tokens'}\n"
            "objectstore.backend = file\nlog.level = ERROR\n"
        )
        self._run(
            "softhsm2-util", "--init-token", "--free", "--label", self.label,
            "--pin", PIN, "--so-pin", SO_PIN,
        )  # fmt: skip
        (self.home / "token.pin").write_text(PIN)
        return self

    def _run(self, *args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, env=self.env)

    def _tool(self, *args: str) -> None:
        self._run(
            "pkcs11-tool", "--module", self.module, "--token-label", self.label,
            "--login", "--pin", PIN, *args,
        )  # fmt: skip

    def generate(self, label: str, key_id: str, kind: str = "ec") -> Any:
        """A key pair on the token; its public key."""
        key_type = "EC:prime256v1" if kind == "ec" else "rsa:2048"
        self._tool("--keypairgen", "--key-type", key_type, "--label", label,
                   "--id", key_id)  # fmt: skip
        out = self.home / f"{label}.pub.der"
        self._tool("--read-object", "--type", "pubkey", "--label", label,
                   "-o", str(out))  # fmt: skip
        return serialization.load_der_public_key(out.read_bytes())

    def store_chain(self, label: str, key_id: str, chain: list[x509.Certificate]):
        for n, certificate in enumerate(chain):
            path = self.home / f"{label}-{n}.crt.der"
            path.write_bytes(certificate.public_bytes(serialization.Encoding.DER))
            self._tool("--write-object", str(path), "--type", "cert",
                       "--label", label, "--id", f"{key_id}{n:02d}")  # fmt: skip


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret (160 bits), as an authenticator app enrols."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def write_config(
    token: CscToken,
    credentials: dict[str, dict[str, Any]],
    name: str = "csc.json",
    **options: Any,
) -> Path:
    """The service's configuration; each credential's ``totp`` is written to a file."""
    entries = {}
    for credential, item in credentials.items():
        secret_file = token.home / f"{credential}.totp"
        secret_file.write_text(item["totp"])
        entries[credential] = {
            **{k: v for k, v in item.items() if k != "totp"},
            "totp_secret_file": secret_file.name,
        }
    config = {
        "module": token.module,
        "token_label": token.label,
        "token_pin_file": "token.pin",
        "clients": {CLIENT_ID: hashlib.sha256(CLIENT_SECRET.encode()).hexdigest()},
        "credentials": entries,
        **options,
    }
    path = token.home / name
    path.write_text(json.dumps(config))
    return path


@contextlib.contextmanager
def running_service(token: CscToken, config: Path) -> Iterator[str]:
    """The service on a free port of 127.0.0.1; its CSC base URL."""
    log = config.with_suffix(".log")
    process = subprocess.Popen(
        [sys.executable, "-m", "hocbaso.signing.cscservice",
         "--config", str(config), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        env=token.env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("hocbaso csc-service: "):
            process.kill()
            raise RuntimeError(f"the service did not start: {log.read_text()}")
        yield line.split(": ", 1)[1].strip() + "/csc/v2"
    finally:
        process.terminate()
        process.wait(timeout=10)
