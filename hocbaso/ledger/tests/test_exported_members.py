"""The public surface is what __init__ exports, and it imports no Django."""

from __future__ import annotations

import subprocess
import sys

import hocbaso.ledger as ledger


def test_every_exported_name_exists_and_is_public() -> None:
    for name in ledger.__all__:
        assert hasattr(ledger, name)
        assert not name.startswith("_")


def test_each_name_is_exported_once() -> None:
    assert len(ledger.__all__) == len(set(ledger.__all__))


def test_every_error_derives_from_ledger_error() -> None:
    errors = [getattr(ledger, n) for n in ledger.__all__ if n.endswith("Error")]
    assert all(issubclass(e, ledger.LedgerError) for e in errors)


def test_the_core_imports_neither_django_nor_the_other_apps() -> None:
    code = (
        "import sys, hocbaso.ledger; "
        "bad = [m for m in sys.modules if m.startswith('django') or "
        "(m.startswith('hocbaso.') and not m.startswith('hocbaso.ledger'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
