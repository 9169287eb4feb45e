"""A task for the engine's own tests: notes that it ran, and where."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def note(path: str, n: int) -> None:
    time.sleep(0.05)  # long enough for two workers to overlap
    with open(path, "a", encoding="ascii") as fh:
        fh.write(f"{n} {os.getpid()}\n")


@task()
def noop(n: int) -> int:
    """Nothing: what the engine itself costs per task (bench/tasks.py)."""
    return n
