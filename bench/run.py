"""Run the benchmarks under bench/ one after another and print their reports.

    .venv/bin/python bench/run.py                 # every benchmark
    .venv/bin/python bench/run.py assess_rate     # only the named ones

Each benchmark is a standalone script that prints a JSON report; they are
never run by the test suite (speed is reported, not asserted).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != "run.py")
    if argv:
        scripts = [p for p in scripts if p.stem in argv]
    failed = 0
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        failed |= subprocess.run([sys.executable, str(script)], check=False).returncode
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
