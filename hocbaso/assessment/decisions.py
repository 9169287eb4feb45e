"""Every [decision] of domain.md in one place, named, so a domain expert can change it.

The law (Circulars 27/2020 and 22/2021) is silent or unclear on these points;
the whole code base reads them from here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP

# --- Primary (Circular 27/2020) -------------------------------------------

# §3.1: optional subjects (NN1 in grades 1-2, TDT) get a level but no test score.
OPTIONAL_SUBJECTS_HAVE_TEST_SCORE = False

# §3.2: all 5 qualities and all 10 competencies are rated every year in every grade.
ALL_QUALITIES_AND_COMPETENCIES_EVERY_GRADE = True

# §3.1: test scores are whole numbers 1-10. A whole number written with a zero
# decimal ("9.0", as spreadsheets export it) is accepted as that whole number;
# "9.5" is not.
WHOLE_TEST_SCORE_MAY_END_IN_ZERO_DECIMAL = True

# §3.4: an exempt subject (code M) is left out of every condition of the year
# result, at both levels.
EXEMPT_CODE = "M"
EXEMPT_SUBJECTS_LEFT_OUT_OF_CONDITIONS = True

# --- Lower secondary (Circular 22/2021) ----------------------------------

# §4.1: periods per year, from which the number of regular assessments per
# term follows (≤35 → 2, ≤70 → 3, >70 → 4). A dict maps grade → periods.
SECONDARY_PERIODS_PER_YEAR: dict[str, int | dict[int, int]] = {
    "NV": 140,
    "TOAN": 140,
    "NN1": 105,
    "GDCD": 35,
    "LSDL": 105,
    "KHTN": 140,
    "CN": {6: 35, 7: 35, 8: 52, 9: 52},
    "TIN": 35,
    "GDTC": 70,
    "AN": 35,
    "MT": 35,
    "HDTN": 105,
    "GDDP": 35,
    "TDT": 105,
    "NN2": 105,
}

# §4.1: a term needs exactly the required count of regular assessments, one
# mid-term and one end-of-term; a missing one is an input error, not a zero.
MISSING_ASSESSMENT_IS_ERROR = True

# §4.2: averages are rounded to one decimal half up; the year average is
# computed from the two rounded term averages (what the transcript prints).
AVERAGE_ROUNDING = ROUND_HALF_UP
AVERAGE_PLACES = 1
YEAR_AVERAGE_FROM_ROUNDED_TERMS = True

# §4.3: the adjustment of Art. 9.3, procedure for "solely because of one subject":
# targets are tried in this order.
ADJUSTMENT_TARGETS = ("T", "K")

# §4.3: Art. 9.3 speaks of "học kì, cả năm học": the adjustment applies to each
# term's learning level as well as the year's.
ADJUST_TERM_LEARNING_LEVELS = True

# §4.1, §4.3: an optional subject the student takes (TDT, NN2) counts in the
# learning-level conditions like any other scored subject.
OPTIONAL_SUBJECTS_COUNT_FOR_LEARNING = True

# §4.5: absences above this (sessions, excused or not) mean not promoted and
# no summer path.
MAX_ABSENCES_FOR_PROMOTION = 45

# §4.5: after the summer, every summer path that applied must have its result
# (a student who re-tested nothing is written "retest": {}; one who skipped
# summer training gets "summer_conduct": "CĐ"). A missing one is an input
# error, not a silent "repeat".
SUMMER_RESULTS_MUST_BE_COMPLETE = True

# §4.5, §10: titles are computed on the final results, i.e. after the summer
# re-test and conduct training when those apply.
TITLES_FROM_FINAL_RESULTS = True

# --- Interchange format (§10) -------------------------------------------------

# A field the format does not define (a typo such as "summer_condcut") is an
# input error rather than being ignored. A JSON null in an optional field
# ("retest", "summer_conduct", "class_recognition", a primary "score") counts
# as the field being absent.
UNKNOWN_FIELDS_ARE_ERRORS = True

# An exempt lower-secondary subject is reported as "M" for hk1, hk2 and the
# year, keeping the shape of every subject's output the same.
EXEMPT_REPORTED_EACH_TERM = True

# --- Identifiers, lifecycle ----------------------------------------------------

# §5, §6.1: the lookup code is a random UUID; 32 lowercase hex for people, the
# same UUID with hyphens (36 characters) as the national feed's madinhdanhhocba.
LOOKUP_CODE_HEX_LENGTH = 32

# §6: a student who moves mid-year brings the term I results from the old
# school into the year's record at the new school, marked with their source.
TERM1_RESULTS_TRAVEL_WITH_TRANSFER = True
