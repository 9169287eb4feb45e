"""The QR code of the demo's soft copies opens the server the demo runs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from hocbaso.portal.documents import check_url
from hocbaso.printing.qr import check_site
from hocbaso.records.models import Transcript

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "demo"


def _demo_environment(**given: str) -> dict[str, str]:
    """The environment scripts/demo sets before it runs anything."""
    lines = SCRIPT.read_text(encoding="utf-8").splitlines()
    first_command = next(i for i, line in enumerate(lines) if line.startswith("$py"))
    prefix = "\n".join(lines[:first_command]).replace("mkdir -p", ": mkdir -p")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("HOCBASO_", "DEMO_"))
    }
    result = subprocess.run(
        ["bash", "-c", prefix + "\nenv -0", str(SCRIPT)],
        capture_output=True,
        text=True,
        env=env | given,
        check=True,
        timeout=30,
    )
    pairs = (item.partition("=") for item in result.stdout.split("\0") if item)
    return {name: value for name, _eq, value in pairs}


def test_the_check_url_is_the_demo_servers_address_on_its_port(settings):
    env = _demo_environment(DEMO_PORT="8123")
    settings.HOCBASO_PUBLIC_URL = env["HOCBASO_PUBLIC_URL"]
    transcript = Transcript(lookup_code="0123456789abcdef0123456789abcdef")
    url = check_url(transcript)
    assert url.startswith("http://127.0.0.1:8123/")
    assert url.endswith("#0123456789abcdef0123456789abcdef")
    assert check_site(url) == "http://127.0.0.1:8123/"
    # The ledger keeps the name its checkpoints were signed with at the seeding.
    assert env["HOCBASO_LEDGER_ORIGIN"] == "hocbaso/registry"


def test_an_address_given_to_the_demo_is_kept():
    env = _demo_environment(HOCBASO_PUBLIC_URL="https://demo.example")
    assert env["HOCBASO_PUBLIC_URL"] == "https://demo.example"
    assert _demo_environment()["HOCBASO_PUBLIC_URL"] == "http://127.0.0.1:8000"
