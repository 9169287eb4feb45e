"""hocbaso-verify runs in a process of its own, without Django and without pyHanko
for a packet, and its exit status is the verdict's."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from hocbaso.verifier.tests.signed import Signed

ROOT = Path(__file__).resolve().parents[3]
ALLOWED = {
    "lxml",
    "cryptography",
    "asn1crypto",
    "_cffi_backend",
    "_openssl",
}
PROBE = """
import sys
from hocbaso.verifier.cli import main
code = main(sys.argv[1:])
top = {m.split(".")[0] for m in sys.modules} - set(sys.stdlib_module_names)
print("LOADED", sorted(top & {"django", "pyhanko"}), file=sys.stderr)
print("THIRD", sorted(top - {"__main__", "hocbaso"}), file=sys.stderr)
sys.exit(code)
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _probe(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *map(str, args)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )


def test_a_packet_is_verified_without_django_or_pyhanko(signed: Signed, tmp_path):
    for case, expected in (("valid", 0), ("tampered value", 1)):
        path = tmp_path / "packet.xml"
        path.write_bytes(signed.packets[case])
        done = _probe(path, "--trust", signed.trust_dir)
        assert done.returncode == expected, done.stderr
        assert "LOADED []" in done.stderr
        third = done.stderr.split("THIRD ")[1].splitlines()[0]
        # lxml, cryptography (with its compiled parts) and asn1crypto: the pure
        # cores' dependencies, nothing of the deployment's.
        loaded = ast.literal_eval(third)
        assert all(n in ALLOWED or "cython" in n for n in loaded), third


def test_the_module_runs_as_a_script_with_the_verdict_as_exit_status(
    signed: Signed, tmp_path
):
    path = tmp_path / "packet.xml"
    path.write_bytes(signed.packets["wrong signer"])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hocbaso.verifier",
            str(path),
            "--trust",
            str(signed.trust_dir),
        ],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert done.returncode == 1
    assert "Kết luận: không hợp lệ" in done.stdout


def test_the_console_script_is_declared_and_resolves():
    import importlib
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    target = project["project"]["scripts"]["hocbaso-verify"]
    module, _colon, attribute = target.partition(":")
    assert callable(getattr(importlib.import_module(module), attribute))
