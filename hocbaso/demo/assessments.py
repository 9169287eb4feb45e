"""Raw assessments for the seeded demo district, in the interchange format.

Each student gets a latent profile (excellent … failing) drawn with weights
that put students at every result level, including those who do not complete,
need a re-test or summer training, or repeat a grade. The rules themselves are
never imitated here: the seeder runs ``hocbaso.assessment.assess`` on what this
module makes and stores whatever the rules decide.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from hocbaso.assessment import COMPETENCIES, QUALITIES, Form, curriculum

PRIMARY_PROFILES = (("excellent", 18), ("good", 34), ("pass", 43), ("fail", 5))
SECONDARY_PROFILES = (
    ("excellent", 10),
    ("good", 28),
    ("fair", 37),
    ("pass", 16),
    ("weak", 6),
    ("failing", 3),
)
SECONDARY_MEANS = {
    "excellent": 9.3,
    "good": 8.3,
    "fair": 7.1,
    "pass": 5.9,
    "weak": 4.6,
    "failing": 3.6,
}
CONDUCT_BY_PROFILE = {
    "excellent": (("T", 95), ("K", 5)),
    "good": (("T", 80), ("K", 18), ("Đ", 2)),
    "fair": (("T", 55), ("K", 35), ("Đ", 9), ("CĐ", 1)),
    "pass": (("T", 30), ("K", 45), ("Đ", 20), ("CĐ", 5)),
    "weak": (("K", 40), ("Đ", 45), ("CĐ", 15)),
    "failing": (("K", 30), ("Đ", 45), ("CĐ", 25)),
}
EXEMPT_SHARE = 0.006  # physical education on health grounds
LONG_ABSENCE_SHARE = 0.006  # more than 45 sessions


def _pick(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def primary_profile(rng: random.Random) -> str:
    return _pick(rng, PRIMARY_PROFILES)


def secondary_profile(rng: random.Random) -> str:
    return _pick(rng, SECONDARY_PROFILES)


# --- primary -------------------------------------------------------------------


def _primary_subject(
    rng: random.Random, profile: str, has_test: bool
) -> dict[str, Any]:
    if profile == "excellent":
        level, score = "T", rng.choice((9, 10, 10))
    elif profile == "good":
        level, score = "T", rng.choice((7, 8, 8, 9, 9, 10))
    elif profile == "pass":
        level = rng.choices(("T", "H"), (45, 55))[0]
        score = rng.randint(6, 9) if level == "T" else rng.randint(5, 8)
    else:
        level = rng.choices(("H", "C"), (70, 30))[0]
        score = rng.randint(3, 6) if level == "H" else rng.randint(2, 4)
    out: dict[str, Any] = {"level": level}
    if has_test:
        out["score"] = score
    return out


def _primary_rating(rng: random.Random, profile: str) -> str:
    if profile in ("excellent", "good"):
        return "T"
    if profile == "pass":
        return rng.choices(("T", "Đ"), (50, 50))[0]
    return rng.choices(("Đ", "C"), (75, 25))[0]


def primary_year(
    rng: random.Random, grade: int, profile: str, *, optional: bool = False
) -> dict[str, Any]:
    """A complete end-of-year primary assessment for one student."""
    subjects: dict[str, Any] = {}
    for spec in curriculum("primary", grade):
        if spec.optional and not (optional and spec.code == "NN1"):
            continue
        if spec.code == "GDTC" and rng.random() < EXEMPT_SHARE:
            subjects[spec.code] = {"exempt": True}
            continue
        subjects[spec.code] = _primary_subject(rng, profile, spec.has_test)
    if profile == "fail" and all(
        s.get("level") != "C" and s.get("score", 10) >= 5 for s in subjects.values()
    ):
        # Make sure a failing profile has a subject that really is not complete.
        code = next(c for c, s in subjects.items() if "level" in s)
        subjects[code] = {**subjects[code], "level": "C"}
    return {
        "level": "primary",
        "grade": grade,
        "subjects": subjects,
        "qualities": {code: _primary_rating(rng, profile) for code in QUALITIES},
        "competencies": {code: _primary_rating(rng, profile) for code in COMPETENCIES},
        "class_recognition": profile == "good" and rng.random() < 0.3,
    }


# --- lower secondary -------------------------------------------------------------


def _score(rng: random.Random, mean: float, *, whole: bool) -> Decimal:
    value = min(10.0, max(0.0, rng.gauss(mean, 0.9)))
    if whole:
        return Decimal(round(value))
    return Decimal(str(round(value * 2) / 2))  # halves, as teachers mostly write them


def _scored_term(rng: random.Random, mean: float, count: int) -> dict[str, Any]:
    return {
        "tx": [_score(rng, mean, whole=True) for _ in range(count)],
        "gk": _score(rng, mean, whole=False),
        "ck": _score(rng, mean, whole=False),
    }


def _comment_term(rng: random.Random, profile: str, count: int) -> dict[str, Any]:
    fail = {"weak": 0.04, "failing": 0.10}.get(profile, 0.0)

    def mark() -> str:
        return "CĐ" if rng.random() < fail else "Đ"

    return {"tx": [mark() for _ in range(count)], "gk": mark(), "ck": mark()}


def secondary_year(rng: random.Random, grade: int, profile: str) -> dict[str, Any]:
    """A whole year of lower-secondary assessments for one student, before summer."""
    mean = SECONDARY_MEANS[profile]
    subjects: dict[str, Any] = {}
    for spec in curriculum("secondary", grade):
        if spec.optional:
            continue
        if spec.code == "GDTC" and rng.random() < EXEMPT_SHARE:
            subjects[spec.code] = {"exempt": True}
            continue
        # Each student is stronger in some subjects than others.
        subject_mean = mean + rng.uniform(-0.6, 0.6)
        if spec.form is Form.SCORE:
            subjects[spec.code] = {
                "hk1": _scored_term(rng, subject_mean, spec.regular_count),
                "hk2": _scored_term(rng, subject_mean + 0.2, spec.regular_count),
            }
        else:
            subjects[spec.code] = {
                "hk1": _comment_term(rng, profile, spec.regular_count),
                "hk2": _comment_term(rng, profile, spec.regular_count),
            }
    conduct = CONDUCT_BY_PROFILE[profile]
    absences = rng.choices((0, 1, 2, 3, 5, 8, 12), (30, 20, 15, 12, 10, 8, 5))[0]
    if rng.random() < LONG_ABSENCE_SHARE:
        absences = rng.randint(46, 70)
    return {
        "level": "secondary",
        "grade": grade,
        "subjects": subjects,
        "conduct": {"hk1": _pick(rng, conduct), "hk2": _pick(rng, conduct)},
        "absences": absences,
    }


def secondary_summer(
    rng: random.Random, data: dict[str, Any], result: dict[str, Any]
) -> dict[str, Any]:
    """The summer's outcome for a student sent to re-test or summer training."""
    out = dict(data)
    promotion = result["promotion"]
    if promotion in ("retest", "retest_and_summer_training"):
        retest = {}
        for code, subject in result["subjects"].items():
            year = subject.get("year")
            if year == "CĐ":
                retest[code] = rng.choices(("Đ", "CĐ"), (75, 25))[0]
            elif year not in (None, "M", "Đ") and Decimal(year) < 5:
                retest[code] = _score(rng, 5.6, whole=False)
        out["retest"] = retest
    if promotion in ("summer_training", "retest_and_summer_training"):
        out["summer_conduct"] = rng.choices(("Đ", "K", "CĐ"), (70, 10, 20))[0]
    return out


def secondary_term_one(rng: random.Random, grade: int, profile: str) -> dict[str, Any]:
    """Term I of a year in progress, whole for every subject.

    Whole, because a term is entered whole or not at all (every regular, mid-term
    and end-of-term assessment: Circular 22, Art. 7; docs/imports.md): a
    template of the class then imports back as it was.
    """
    mean = SECONDARY_MEANS[profile]
    subjects: dict[str, Any] = {}
    for spec in curriculum("secondary", grade):
        if spec.optional:
            continue
        if spec.form is Form.SCORE:
            term = _scored_term(rng, mean + rng.uniform(-0.6, 0.6), spec.regular_count)
        else:
            term = _comment_term(rng, profile, spec.regular_count)
        subjects[spec.code] = {"hk1": term}
    return {"level": "secondary", "grade": grade, "subjects": subjects}


def primary_term_one(rng: random.Random, grade: int, profile: str) -> dict[str, Any]:
    """The end of term I: a level per subject, the test score where it has a test
    (Circular 27, Art. 7: tests at the end of term I)."""
    subjects = {
        spec.code: _primary_subject(rng, profile, spec.has_test)
        for spec in curriculum("primary", grade)
        if not spec.optional
    }
    return {"level": "primary", "grade": grade, "subjects": subjects}
