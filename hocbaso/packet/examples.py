"""Example snapshots, one per level: for tests, the demo and the documentation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hocbaso.assessment.curriculum import COMPETENCIES, QUALITIES
from hocbaso.packet.snapshot import (
    Certificate,
    HistoryRow,
    Issuance,
    Leader,
    Person,
    PrimaryResults,
    PrimarySubject,
    Rating,
    RecordSnapshot,
    School,
    SecondaryResults,
    SecondarySubject,
    Sex,
    Student,
)

SCHOOL = School(
    code="01012345",
    name="Trường Tiểu học Mỹ Đình 1",
    department_code="01",
    department_name="Sở Giáo dục và Đào tạo Hà Nội",
    commune="Phường Từ Liêm",
    province="Thành phố Hà Nội",
)
SECONDARY_SCHOOL = School(
    code="01023456",
    name="Trường THCS Nam Từ Liêm",
    department_code="01",
    department_name="Sở Giáo dục và Đào tạo Hà Nội",
)
HOMEROOM = Person("Nguyễn Thị Hồng Nhung", "001185012345")
PRINCIPAL = Leader("Trần Văn Đức", "001075098765", "HIỆU TRƯỞNG")
STUDENT = Student(
    full_name="Lê Hoàng Bảo Ngọc",
    personal_id="001315001234",
    student_code="0123456789",
    sex=Sex.FEMALE,
    birth_date=date(2015, 3, 14),
    birthplace="Hà Nội",
    ethnicity="Kinh",
    nationality="Việt Nam",
    address="Số 5 ngõ 12 Mỹ Đình, Hà Nội",
    father_name="Lê Văn Hùng",
    mother_name="Phạm Thị Thu",
)
TEACHERS = (
    Person("Đỗ Minh Tuấn", "001080011111"),
    Person("Vũ Thị Lan Anh", "001186022222"),
)
ISSUANCE = Issuance(number="125/HB-THMĐ1", date=date(2025, 6, 25), place="Hà Nội")


def primary_example(*, issued: bool = False) -> RecordSnapshot:
    """A grade-4 primary record, result HTT."""
    subjects = (
        PrimarySubject("TV", "Tiếng Việt", "T", Decimal(10), "Đọc tốt, viết đẹp."),
        PrimarySubject("TOAN", "Toán", "T", Decimal(9)),
        PrimarySubject("DD", "Đạo đức", "T"),
        PrimarySubject(
            "GDTC", "Giáo dục thể chất", "M", comment="Miễn học theo chỉ định y tế."
        ),
    )
    return RecordSnapshot(
        lookup_code="3f2b8c1d9e7a4b6c8d0e1f2a3b4c5d6e",
        school_year="2024-2025",
        grade=4,
        class_name="4A1",
        student=STUDENT,
        school=SCHOOL,
        results=PrimaryResults(
            subjects=subjects,
            qualities=tuple(Rating(code, "T") for code in QUALITIES),
            competencies=tuple(
                Rating(code, "Đ", "Tiến bộ rõ.") for code in COMPETENCIES
            ),
            result="HTT",
            completed=True,
            promoted=True,
        ),
        homeroom_teacher=HOMEROOM,
        leader=PRINCIPAL,
        absences_excused=2,
        absences_unexcused=0,
        homeroom_comment="Em chăm ngoan, học tốt.",
        history=(
            HistoryRow("2021-2022", "1A1", SCHOOL.name, "Hà Nội", date(2021, 9, 5)),
        ),
        issuance=ISSUANCE if issued else None,
    )


def secondary_example(*, issued: bool = False) -> RecordSnapshot:
    """A grade-7 lower-secondary record, learning K, conduct T, two subject teachers."""
    math, art = TEACHERS
    subjects = (
        SecondarySubject(
            "TOAN", "Toán", Decimal("8.1"), Decimal("7.4"), Decimal("7.6"), teacher=math
        ),
        SecondarySubject(
            "NV",
            "Ngữ văn",
            Decimal("6.5"),
            Decimal("7.0"),
            Decimal("6.8"),
            teacher=math,
        ),
        SecondarySubject(
            "MT", "Mĩ thuật", "Đ", "Đ", "Đ", comment="Có năng khiếu.", teacher=art
        ),
        SecondarySubject("GDTC", "Giáo dục thể chất", "M", "M", "M"),
    )
    return RecordSnapshot(
        lookup_code="a1b2c3d4e5f60718293a4b5c6d7e8f90",
        school_year="2024-2025",
        grade=7,
        class_name="7A3",
        student=STUDENT,
        school=SECONDARY_SCHOOL,
        results=SecondaryResults(
            subjects=subjects,
            learning_term1="K",
            learning_term2="K",
            learning_year="K",
            conduct_term1="T",
            conduct_term2="T",
            conduct_year="T",
            promoted=True,
            promotion_note="Được lên lớp",
        ),
        homeroom_teacher=HOMEROOM,
        leader=Leader(
            "Phan Thị Mai", "001178054321", "KT. HIỆU TRƯỞNG / PHÓ HIỆU TRƯỞNG"
        ),
        absences_excused=3,
        issuance=ISSUANCE if issued else None,
    )


def complete_example(snapshot: RecordSnapshot) -> RecordSnapshot:
    """The same record with every field of version 1.1 (docs/packet.md)."""
    return replace(
        snapshot,
        height_cm=Decimal("132.5"),
        weight_kg=Decimal("29.0"),
        disability_not_assessed=True,
        contests="Giải Nhì Hội khỏe Phù Đổng cấp phường",
        certificates=(
            Certificate("Chứng chỉ tiếng Anh Cambridge Movers", date(2025, 5, 10)),
            Certificate("Chứng nhận bơi an toàn"),
        ),
    )
