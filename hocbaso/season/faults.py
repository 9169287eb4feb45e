"""A pause point for the fault tests: a worker stops inside a transaction, before
it commits, so that a test can kill it there (SIGKILL) and check that nothing was
half written. Off unless HOCBASO_PAUSE_DIR is set, which only the tests do.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def pause_point(name: str) -> None:
    """With HOCBASO_PAUSE_DIR set: mark ``name``.reached there and wait for
    ``name``.go (or forever, until killed)."""
    where = os.environ.get("HOCBASO_PAUSE_DIR")
    if not where:
        return
    folder = Path(where)
    (folder / f"{name}.reached").touch()
    while not (folder / f"{name}.go").exists():
        time.sleep(0.05)
