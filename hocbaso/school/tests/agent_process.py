"""Start ``hocbaso sign-agent`` as a subprocess on a free port, for the tests."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from hocbaso.school.tests.token import SoftToken

PAIRING = "pairing-token-for-tests"


@contextmanager
def running_agent(token: SoftToken, origin: str, pin_file: Path, **keys: str):
    """keys: personal=LABEL, seal=LABEL. Yields the agent's base URL."""
    args = [
        sys.executable, "-m", "hocbaso.signing.agent",
        "--module", token.module, "--token-label", token.label,
        "--origin", origin, "--port", "0", "--pairing-token", PAIRING,
        "--pin-file", str(pin_file),
    ]  # fmt: skip
    if "personal" in keys:
        args += ["--key", keys["personal"]]
    if "seal" in keys:
        args += ["--seal-key", keys["seal"]]
    process = subprocess.Popen(
        args,
        env=token.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    try:
        first = process.stdout.readline()
        if "http://127.0.0.1:" not in first:
            raise RuntimeError(f"the agent did not start: {first!r}")
        yield first.strip().rsplit(" ", 1)[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def call(url: str, body=None, *, token: str | None = PAIRING, origin=None, method=None):
    """(status, headers, JSON) of one request to the agent."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if origin:
        request.add_header("Origin", origin)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            raw = response.read()
            return response.status, response.headers, json.loads(raw or b"{}")
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, error.headers, json.loads(raw or b"{}")
