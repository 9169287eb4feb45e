"""Every student-year of the golden corpus gets the answer it got when the corpus
was written (golden_corpus.py): the same output, or the same problems in the same
order with the same codes, templates and values."""

from __future__ import annotations

from collections import Counter

from hocbaso.assessment.tests.golden_corpus import answer_of, load


def test_every_answer_of_the_golden_corpus_is_unchanged() -> None:
    corpus = load()
    changed = [
        (index, case, answer)
        for index, case in enumerate(corpus)
        if (answer := answer_of(case["input"])) != _expected(case)
    ]
    assert not changed, f"{len(changed)} answers changed, first: {changed[0]}"


def test_the_golden_corpus_covers_every_kind_of_answer() -> None:
    corpus = load()
    outputs = [c["output"] for c in corpus if "output" in c]
    secondary = [o for o in outputs if "promotion" in o]
    assert Counter(o["promotion"] for o in secondary).keys() >= {
        "promoted",
        "retest",
        "summer_training",
        "repeat",
    }
    assert {o["title"] for o in outputs} >= {None, "HSXS", "HSG", "HSTB"}
    assert {o["result"] for o in outputs if "result" in o} == {
        "HTXS",
        "HTT",
        "HT",
        "CHT",
    }
    assert any(
        isinstance(s, dict) and "retest" in s
        for o in secondary
        for s in o["subjects"].values()
    )
    codes = {p[1] for c in corpus for p in c.get("problems", ())}
    assert len(codes) >= 20


def _expected(case: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in case.items() if k != "input"}
