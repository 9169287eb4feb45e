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

# §4.5: absences above this (sessions, excused or not) mean not promoted and
# no summer path.
MAX_ABSENCES_FOR_PROMOTION = 45

# --- Identifiers, lifecycle ----------------------------------------------------

# §5, §6.1: the lookup code is a random UUID; 32 lowercase hex for people, the
# same UUID with hyphens (36 characters) as the national feed's madinhdanhhocba.
LOOKUP_CODE_HEX_LENGTH = 32

# §6: a student who moves mid-year brings the term I results from the old
# school into the year's record at the new school, marked with their source.
TERM1_RESULTS_TRAVEL_WITH_TRANSFER = True
