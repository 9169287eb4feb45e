"""The codes schools write in the transcript, one enum per scale.

Primary (Circular 27/2020) and lower secondary (Circular 22/2021) share
letters but not meanings: the "C" of a subject level is Chưa hoàn thành, the
"C" of a quality is Cần cố gắng. Each scale is its own enum so the two can
never be mixed up.
"""

from __future__ import annotations

import enum


class SubjectLevel(enum.StrEnum):
    """Primary subject or activity level (Circular 27, Art. 6-7)."""

    T = "T"  # Hoàn thành tốt
    H = "H"  # Hoàn thành
    C = "C"  # Chưa hoàn thành


class QualityLevel(enum.StrEnum):
    """Primary quality or competency level (Circular 27, Art. 6-7)."""

    T = "T"  # Tốt
    D = "Đ"  # Đạt
    C = "C"  # Cần cố gắng


class PrimaryResult(enum.StrEnum):
    """Primary end-of-year result (Circular 27, Art. 9)."""

    HTXS = "HTXS"  # Hoàn thành xuất sắc
    HTT = "HTT"  # Hoàn thành tốt
    HT = "HT"  # Hoàn thành
    CHT = "CHT"  # Chưa hoàn thành


class Comment(enum.StrEnum):
    """Lower-secondary comment-only assessment (Circular 22, Art. 7)."""

    D = "Đ"  # Đạt
    CD = "CĐ"  # Chưa đạt


class Rank(enum.StrEnum):
    """Lower-secondary learning or conduct level (Circular 22, Art. 8-9).

    Ordered: ``Rank.T > Rank.K > Rank.D > Rank.CD``.
    """

    T = "T"  # Tốt
    K = "K"  # Khá
    D = "Đ"  # Đạt
    CD = "CĐ"  # Chưa đạt

    @property
    def order(self) -> int:
        """3 for T down to 0 for CĐ."""
        return _RANK_ORDER[self]

    def at_least(self, other: Rank) -> bool:
        """Whether this level is ``other`` or better."""
        return self.order >= other.order

    def raised(self) -> Rank:
        """The next level up (T stays T)."""
        return _RANKS_UP[min(self.order + 1, 3)]


_RANKS_UP = (Rank.CD, Rank.D, Rank.K, Rank.T)
_RANK_ORDER = {rank: order for order, rank in enumerate(_RANKS_UP)}


class Promotion(enum.StrEnum):
    """Lower-secondary promotion decision (Circular 22, Art. 12-15).

    In June the summer paths are pending (``RETEST``, ``SUMMER_TRAINING``,
    ``RETEST_AND_SUMMER_TRAINING``); after the summer only ``PROMOTED`` or
    ``REPEAT`` remain.
    """

    PROMOTED = "promoted"
    RETEST = "retest"
    SUMMER_TRAINING = "summer_training"
    RETEST_AND_SUMMER_TRAINING = "retest_and_summer_training"
    REPEAT = "repeat"


class Title(enum.StrEnum):
    """Commendation titles (Circular 27, Art. 11; Circular 22, Art. 15)."""

    HSXS = "HSXS"  # Học sinh Xuất sắc (both levels)
    HSTB = "HSTB"  # Học sinh Tiêu biểu hoàn thành tốt … (primary)
    HSG = "HSG"  # Học sinh Giỏi (lower secondary)
