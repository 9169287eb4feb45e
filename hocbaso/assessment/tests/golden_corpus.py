"""The golden corpus of ``assess``: fixed inputs and the outputs the rules gave.

``data/golden.json.gz`` holds student-years of every kind (primary and lower
secondary, every profile of the demo generator, after the summer, optional
subjects, exempt subjects, numbers written as text, floats and integers) and
damaged copies of them (a mark missing or out of range, an unknown field, a
wrong type…), each with what ``assess`` returned or the problems it raised.
It was written by this module before the rules were made faster; the test
``test_golden_corpus.py`` checks that every answer is still the same.

    .venv/bin/python -m hocbaso.assessment.tests.golden_corpus   # rewrite it

Rewrite it only when a rule is meant to change, and say so in the commit.
"""

from __future__ import annotations

import copy
import gzip
import json
import random
from pathlib import Path
from typing import Any

from hocbaso.assessment import AssessmentInputError, assess

PATH = Path(__file__).resolve().parent / "data" / "golden.json.gz"
SEED = 20261207


def answer_of(data: Any) -> dict[str, Any]:
    """What assess gives for data, as JSON: its output or its problems."""
    try:
        return {"output": assess(data)}
    except AssessmentInputError as exc:
        return {"problems": [_problem(p) for p in exc.problems]}


def _problem(problem: Any) -> list[Any]:
    params = [[k, str(v), type(v).__name__] for k, v in problem.params]
    return [problem.where, problem.code, problem.template, params]


def _inputs(rng: random.Random) -> list[Any]:
    from hocbaso.demo import assessments as gen

    out: list[Any] = []
    for _ in range(250):
        grade = rng.randint(1, 5)
        year = gen.primary_year(rng, grade, gen.primary_profile(rng))
        out.append(_with_numbers_varied(rng, year))
    for _ in range(350):
        grade = rng.randint(6, 9)
        year = gen.secondary_year(rng, grade, gen.secondary_profile(rng))
        year = json.loads(json.dumps(year, default=str))
        answer = answer_of(year)
        if "output" in answer and answer["output"]["promotion"] not in (
            "promoted",
            "repeat",
        ):
            out.append(gen.secondary_summer(rng, year, answer["output"]))
        if rng.random() < 0.15:
            _add_optional(rng, year)
        out.append(_with_numbers_varied(rng, year))
    damaged = [_damaged(rng, copy.deepcopy(rng.choice(out))) for _ in range(400)]
    return json.loads(json.dumps(out + damaged, default=str))


def _add_optional(rng: random.Random, year: dict[str, Any]) -> None:
    code = rng.choice(("TDT", "NN2"))
    term = {
        "tx": [str(rng.randint(3, 10)) for _ in range(3)],
        "gk": f"{rng.randint(3, 9)}.{rng.randint(0, 9)}",
        "ck": str(rng.randint(2, 10)),
    }
    year["subjects"][code] = {"hk1": term, "hk2": copy.deepcopy(term)}


def _with_numbers_varied(rng: random.Random, year: Any) -> Any:
    """Numbers as JSON gives them: text, integers and floats, mixed."""
    year = json.loads(json.dumps(year, default=str))
    return _vary(rng, year)


def _vary(rng: random.Random, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _vary(rng, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_vary(rng, v) for v in value]
    if isinstance(value, str) and value.replace(".", "", 1).isdigit():
        roll = rng.random()
        if roll < 0.2:
            number = float(value)
            return int(number) if number.is_integer() and roll < 0.1 else number
    return value


_BAD_VALUES = (
    None,
    "",
    "11",
    "-1",
    "7.25",
    "1e1",
    " 8 ",
    "Đ",
    "CĐ",
    "D",
    "X",
    10.5,
    7.25,
    -0.0,
    0,
    True,
    [],
    {},
    "９",
    "Đ",
    "9.0",
    46,
    "M",
)


def _damaged(rng: random.Random, data: Any) -> Any:
    """One to three random changes somewhere in the input."""
    for _ in range(rng.randint(1, 3)):
        _damage_once(rng, data)
    return data


def _damage_once(rng: random.Random, data: Any) -> None:
    path = _random_path(rng, data)
    if not path:
        return
    *parents, last = path
    holder = data
    for key in parents:
        holder = holder[key]
    roll = rng.random()
    if roll < 0.15 and isinstance(holder, dict):
        del holder[last]
    elif roll < 0.25 and isinstance(holder, dict):
        holder[rng.choice(("extra", "Hk1", "exempt", "summer_condcut"))] = True
    elif roll < 0.3 and isinstance(holder, list):
        holder.append(rng.choice(("8", 8, "Đ")))
    else:
        holder[last] = rng.choice(_BAD_VALUES)


def _random_path(rng: random.Random, data: Any) -> list[Any]:
    path: list[Any] = []
    node = data
    while isinstance(node, dict | list) and node:
        key = (
            rng.choice(list(node))
            if isinstance(node, dict)
            else rng.randrange(len(node))
        )
        path.append(key)
        node = node[key]
        if rng.random() < 0.2:
            break
    return path


def build() -> list[dict[str, Any]]:
    """Every input with its answer from the rules as they are now."""
    rng = random.Random(SEED)
    return [{"input": data, **answer_of(data)} for data in _inputs(rng)]


def load() -> list[dict[str, Any]]:
    """The committed corpus."""
    with gzip.open(PATH, "rt", encoding="utf-8") as file:
        corpus: list[dict[str, Any]] = json.load(file)
    return corpus


def main() -> None:
    corpus = build()
    text = json.dumps(corpus, ensure_ascii=False, separators=(",", ":"))
    with gzip.GzipFile(PATH, "wb", mtime=0) as file:
        file.write(text.encode())
    answers = [next(k for k in ("output", "problems") if k in c) for c in corpus]
    print(f"{len(corpus)} cases, {answers.count('problems')} with problems -> {PATH}")


if __name__ == "__main__":
    main()
