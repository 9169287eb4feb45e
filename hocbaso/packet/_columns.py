"""Snapshot field ↔ XML element: one table per block, read by both directions.

Element names are the national feed's column names (domain.md §6.1); the few the feed
lacks are marked "extension" here and in docs/packet.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from hocbaso.packet.snapshot import Mark, Sex


@dataclass(frozen=True, slots=True)
class Codec:
    """How one kind of value is written as element text and read back."""

    to_text: Callable[[Any], str]
    from_text: Callable[[str], Any]


def _mark_to_text(mark: Mark) -> str:
    if isinstance(mark, str):
        return mark
    # Averages print with one decimal (Circular 22, Art. 9); abs() drops a "-0.0".
    return str(abs(mark).quantize(Decimal("0.1")))


def _text_to_mark(text: str) -> Mark:
    return text if text in ("Đ", "CĐ", "M") else Decimal(text)


TEXT = Codec(str, str)
INT = Codec(str, int)
DATE = Codec(date.isoformat, date.fromisoformat)
BOOL = Codec(lambda value: "1" if value else "0", lambda text: text in ("1", "true"))
SEX = Codec(lambda value: str(int(value)), lambda text: Sex(int(text)))
# Height (cm) and weight (kg) with one decimal, as the primary form prints them.
MEASURE = Codec(lambda value: str(value.quantize(Decimal("0.1"))), Decimal)
TEST_SCORE = Codec(lambda value: str(int(value)), Decimal)
MARK = Codec(_mark_to_text, _text_to_mark)
# madinhdanhhocba is the lookup code's UUID with hyphens (domain.md §6.1 decision).
LOOKUP_CODE = Codec(
    lambda code: str(uuid.UUID(hex=code)), lambda text: uuid.UUID(text).hex
)


@dataclass(frozen=True, slots=True)
class Column:
    """One element: its name, the snapshot attribute it carries, if it may be absent."""

    name: str
    attr: str
    codec: Codec = TEXT
    optional: bool = False


def _col(name: str, attr: str, codec: Codec = TEXT) -> Column:
    return Column(name, attr, codec)


def _opt(name: str, attr: str, codec: Codec = TEXT) -> Column:
    return Column(name, attr, codec, optional=True)


HEAD = (
    _col("madinhdanhhocba", "lookup_code", LOOKUP_CODE),
    _col("namhoc", "school_year"),
)
SCHOOL = (
    _col("masogd", "department_code"),
    _col("tensogd", "department_name"),
    _col("matruong", "code"),
    _col("tentruong", "name"),
    _opt("tenxatruong", "commune"),  # extension: the feed has codes only
    _opt("tentinhtruong", "province"),  # extension
)
CLASS = (
    _col("makhoi", "grade", INT),
    _col("tenlop", "class_name"),
    _opt("sosodangbo", "register_number"),
)
STUDENT = (
    _col("hovaten", "full_name"),
    _col("sodinhdanh", "personal_id"),
    _col("mahocsinh", "student_code"),
    _col("gioitinh", "sex", SEX),
    _col("ngaythangnamsinh", "birth_date", DATE),
    _col("noisinh", "birthplace"),
    _col("dantoc", "ethnicity"),
    _col("quoctich", "nationality"),
    _opt("quequan", "home_town"),
    _opt("noiohiennay", "address"),
    _opt("hotencha", "father_name"),
    _opt("nghenghiepcha", "father_occupation"),
    _opt("hotenme", "mother_name"),
    _opt("nghenghiepme", "mother_occupation"),
    _opt("hotennguoigiamho", "guardian_name"),
    _opt("nghenghiepnguoigiamho", "guardian_occupation"),
    _opt("doituongchinhsach", "policy_category"),
)
PRIMARY_RESULTS = (
    _col("xeploai", "result"),
    _col("dahthanhctrinhlophoc", "completed", BOOL),
    _opt("duoclenlop", "promoted", BOOL),
    _opt("danhhieu", "title"),  # extension: HSXS / HSTB
)
SECONDARY_RESULTS = (
    _col("hocky1", "learning_term1"),
    _col("hocky2", "learning_term2"),
    _col("canam", "learning_year"),
    _col("renluyenhocky1", "conduct_term1"),
    _col("renluyenhocky2", "conduct_term2"),
    _col("renluyencanam", "conduct_year"),
    _opt("kqhoctaplai", "retest_learning"),
    _opt("renluyenlai", "summer_conduct"),
    _opt("duoclenlop", "promoted", BOOL),
    _opt("ndungduoclenlop", "promotion_note"),
    _opt("danhhieu", "title"),  # extension: HSXS / HSG
)
TAIL = (
    _opt("nghicophep", "absences_excused", INT),
    _opt("nghikhongphep", "absences_unexcused", INT),
    # The feed's alternative to the two above when the school keeps only the total
    # of sessions missed (lower secondary, Circular 22).
    _opt("sobuoinghi", "absences_total", INT),
    _opt("ndungkhenthuong", "commendation"),
    _opt("ndungkhenthuongdotxuat", "adhoc_commendation"),
    _opt("nxetgvcn", "homeroom_comment"),
)
# Version 1.1 (docs/packet.md): after TAIL, before the signers.
TAIL_1_1 = (
    _opt("chieucao", "height_cm", MEASURE),
    _opt("cannang", "weight_kg", MEASURE),
    _opt("cokhuyettatkhongdanhgia", "disability_not_assessed", BOOL),
    _opt("kquathamgiacuocthi", "contests"),
)
CERTIFICATE_ROW = (
    _col("tenchungchi", "name"),  # the feed's _chungchi child; names: extension
    _opt("ngaycapchungchi", "issued_on", DATE),
)
HOMEROOM = (_col("tengvcn", "name"), _col("soddcngvcn", "personal_id"))
LEADER = (
    _col("tengiamhieu", "name"),
    _col("soddcngiamhieu", "personal_id"),
    _col("chucvugiamhieu", "title"),
)
HISTORY_ROW = (
    _col("namhoc", "school_year"),
    _col("tenlop", "class_name"),
    _col("tentruong", "school_name"),
    _col("tentinh", "province"),
    _col("ngaytrangthaichuyenden", "entry_date", DATE),
)
PRIMARY_SUBJECT = (
    _col("mamonhoc", "code"),
    _col("tenmonhoc", "name"),
    _col("mucdatduoc", "level"),
    _opt("diemkiemtradinhky", "test_score", TEST_SCORE),
    _opt("nxetmonhoc", "comment"),
)
SECONDARY_SUBJECT = (
    _col("mamonhoc", "code"),
    _col("tenmonhoc", "name"),
    _col("diemhocky1", "term1", MARK),
    _col("diemhocky2", "term2", MARK),
    _col("diemcanam", "year", MARK),
    _opt("diemkttralai", "retest", MARK),
    _opt("nxetmonhoc", "comment"),
)
SUBJECT_TEACHER = (_col("gvbm", "name"), _col("soddcngvbm", "personal_id"))
ISSUANCE = (
    _col("sophathanh", "number"),  # extension: the issuing number
    _col("ngaykyphathanh", "date", DATE),
    _col("diadanhphathanh", "place"),
)

# Primary qualities and competencies (codes of assessment.curriculum) → feed columns;
# each comment is the same name prefixed "nxet" (extension).
QUALITY_COLUMNS = {
    "YN": "phamchatyeunuoc",
    "NA": "phamchatnhanai",
    "CC": "phamchatchamchi",
    "TTH": "phamchattrungthuc",
    "TN": "phamchattrachnhiem",
}
COMPETENCY_COLUMNS = {
    "TCTH": "nangluctuhoc",
    "GTHT": "nanglucgiaotiep",
    "GQVD": "nanglucgiaiquyet",
    "NN": "nanglucngonngu",
    "TT": "nangluctinhtoan",
    "KH": "nangluckhoahoc",
    "CN": "nangluccongnghe",
    "TH": "nangluctinhoc",
    "TM": "nanglucthammi",
    "TC": "nanglucthechat",
}
COMMENT_PREFIX = "nxet"
