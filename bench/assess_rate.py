"""Student-years assessed per second by ``hocbaso.assessment.assess``.

Inputs are made by the demo generator (mixed primary and lower-secondary
student-years of the pilot grades) before the clock starts. As a yardstick
measured in the same run, the script also times ``json.loads(json.dumps(x))``
of the same inputs: the ratio is steadier than the raw rate on a noisy machine.

    .venv/bin/python bench/assess_rate.py [--n 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hocbaso.assessment import assess
from hocbaso.demo import assessments as gen


def make_inputs(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if i % 2:
            grade = rng.choice((1, 2, 3, 4))
            out.append(gen.primary_year(rng, grade, gen.primary_profile(rng)))
        else:
            grade = rng.choice((6, 7, 8))
            out.append(gen.secondary_year(rng, grade, gen.secondary_profile(rng)))
    # The interchange format is JSON: give assess what it would get from a file.
    return json.loads(json.dumps(out, default=str))


def rate(fn, inputs: list[dict], rounds: int = 3) -> float:
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for item in inputs:
            fn(item)
        best = max(best, len(inputs) / (time.perf_counter() - start))
    return best


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    inputs = make_inputs(args.n, seed=7)
    assessed = rate(assess, inputs)
    yardstick = rate(lambda x: json.loads(json.dumps(x, ensure_ascii=False)), inputs)
    result = {
        "student_years": len(inputs),
        "assessed_per_second": round(assessed),
        "json_roundtrips_per_second": round(yardstick),
        "ratio_assess_to_json_roundtrip": round(yardstick / assessed, 2),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
