"""The demo's SoftHSM2 token: a real PKCS#11 token made when the demo starts.

softhsm2-util makes the token and pkcs11-tool (OpenSC) generates each key pair on
it and stores the certificates beside it, every call a subprocess with the token's
own SOFTHSM2_CONF: the key never leaves the token and the PKCS#11 library is loaded
only by the signing service (hocbaso.signing.cscservice). The user PIN and the SO
PIN are drawn at random and kept in files readable by their owner only, under the
demo's data directory (outside version control; `make clean` removes them).
scripts/system-deps installs softhsm2 and opensc where they are missing.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)


# pkcs11-tool reads the PIN from this variable: not on the command line (ps).
LOGIN = ("--login", "--pin", "env:HOCBASO_TOKEN_PIN")


class TokenError(Exception):
    """The token cannot be made or used (a tool is missing or refused)."""


def softhsm_module() -> str:
    """The SoftHSM2 PKCS#11 library (SOFTHSM2_MODULE, else the usual places)."""
    for path in (os.environ.get("SOFTHSM2_MODULE", ""), *MODULES):
        if path and Path(path).is_file():
            return path
    raise TokenError("libsofthsm2.so not found: run scripts/system-deps")


@dataclass(frozen=True)
class DemoToken:
    """A token under home/ (its configuration, objects and PIN files)."""

    home: Path
    label: str
    module: str

    @property
    def config(self) -> Path:
        return self.home / "softhsm2.conf"

    @property
    def pin_file(self) -> Path:
        return self.home / "token.pin"

    def env(self) -> dict[str, str]:
        return {**os.environ, "SOFTHSM2_CONF": str(self.config)}

    def generate(self, label: str, key_id: str) -> PublicKeyTypes:
        """An ECDSA P-256 key pair made on the token; its public key."""
        self._tool(
            *LOGIN, "--keypairgen", "--key-type", "EC:prime256v1",
            "--label", label, "--id", key_id,
        )  # fmt: skip
        out = self.home / f"{label}.pub.der"
        self._tool(
            "--read-object", "--type", "pubkey", "--label", label, "-o", str(out)
        )
        public = serialization.load_der_public_key(out.read_bytes())
        out.unlink()
        return public

    def store_chain(self, label: str, key_id: str, chain: list[x509.Certificate]):
        """The certificate and its issuers, under the key's label."""
        for n, certificate in enumerate(chain):
            path = self.home / f"{label}-{n}.crt.der"
            path.write_bytes(certificate.public_bytes(serialization.Encoding.DER))
            self._tool(
                *LOGIN, "--write-object", str(path), "--type", "cert",
                "--label", label, "--id", f"{key_id}{n:02d}",
            )  # fmt: skip
            path.unlink()

    def _tool(self, *args: str) -> None:
        env = {**self.env(), "HOCBASO_TOKEN_PIN": self.pin_file.read_text().strip()}
        tool = ("pkcs11-tool", "--module", self.module, "--token-label", self.label)
        _run(*tool, *args, env=env)


def make_token(home: Path, label: str) -> DemoToken:
    """A new, empty token with random PINs (home must not hold one yet)."""
    home.mkdir(parents=True, exist_ok=True)
    os.chmod(home, 0o700)
    (home / "tokens").mkdir(exist_ok=True)
    token = DemoToken(home, label, softhsm_module())
    write_config(home)
    pin, so_pin = secrets.token_hex(8), secrets.token_hex(8)
    write_private(token.pin_file, pin)
    write_private(home / "token.so-pin", so_pin)
    _run(
        "softhsm2-util", "--init-token", "--free", "--label", label,
        "--pin", pin, "--so-pin", so_pin, env=token.env(),
    )  # fmt: skip
    return token


def write_config(home: Path) -> Path:
    """SoftHSM2's configuration for the token kept in home/tokens (written again
    when the directory moves: the path in it is absolute)."""
    config = home / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {home / 'tokens'}\n"
        "objectstore.backend = file\nlog.level = ERROR\n"
    )
    return config


def write_private(path: Path, text: str) -> None:
    """A file only its owner reads (a PIN, a secret)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


def _run(*args: str, env: dict[str, str]) -> None:
    try:
        subprocess.run(args, check=True, capture_output=True, env=env, timeout=60)
    except FileNotFoundError as exc:
        raise TokenError(f"{args[0]} is missing: run scripts/system-deps") from exc
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace").strip()
        raise TokenError(f"{args[0]} failed: {detail}") from exc
