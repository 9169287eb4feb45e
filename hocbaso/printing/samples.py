"""Whole sample transcripts with every subject and their signature marks.

For the tests, the benchmark and the documentation: a primary transcript of grades
1 to 4 and a lower-secondary one of grades 6 to 8, with the subjects each grade
studies (domain.md §3.1, §4.1) and comments long enough to test the layout. Invented
people; personal ids follow the pattern of domain.md §5.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from hocbaso.packet import (
    HistoryRow,
    Issuance,
    Leader,
    Person,
    PrimaryResults,
    PrimarySubject,
    Rating,
    RecordSnapshot,
    SecondaryResults,
    SecondarySubject,
    build_packet,
    issue_packet,
)
from hocbaso.packet.examples import SCHOOL, SECONDARY_SCHOOL, STUDENT
from hocbaso.printing.marks import SignatureMark
from hocbaso.signing import KeyFileSigner, Role, sign_packet
from hocbaso.signing.pki import DemoPki

PRIMARY_CODE = "5d41402abc4b2a76b9719d911017c592"
SECONDARY_CODE = "7e3f1c2b9a8d4e6f0a1b2c3d4e5f6a7b"
CA_NAME = "Hocbaso Demo Issuing CA"
PRINCIPAL = Leader("Trần Văn Đức", "001075098765", "HIỆU TRƯỞNG")
DEPUTY = Leader("Phan Thị Mai", "001178054321", "KT. HIỆU TRƯỞNG / PHÓ HIỆU TRƯỞNG")
HOMEROOMS = (
    Person("Nguyễn Thị Hồng Nhung", "001185012345"),
    Person("Hoàng Thị Thuý Hằng", "001187033333"),
    Person("Bùi Quốc Khánh", "001082044444"),
    Person("Lương Thị Ngọc Ánh", "001190055555"),
)
TEACHERS = (
    Person("Đỗ Minh Tuấn", "001080011111"),
    Person("Vũ Thị Lan Anh", "001186022222"),
    Person("Trịnh Xuân Trường", "001079066666"),
    Person("Đặng Thị Yến", "001184077777"),
)
# Primary subjects per grade with a level and, for tested subjects, a score.
_PRIMARY_SUBJECTS = (
    ("TV", "Tiếng Việt", (1, 2, 3, 4), True),
    ("TOAN", "Toán", (1, 2, 3, 4), True),
    ("NN1", "Ngoại ngữ 1 (Tiếng Anh)", (3, 4), True),
    ("DD", "Đạo đức", (1, 2, 3, 4), False),
    ("TNXH", "Tự nhiên và Xã hội", (1, 2, 3), False),
    ("LSDL", "Lịch sử và Địa lí", (4,), True),
    ("KH", "Khoa học", (4,), True),
    ("THCN", "Tin học và Công nghệ", (3, 4), True),
    ("GDTC", "Giáo dục thể chất", (1, 2, 3, 4), False),
    ("AN", "Nghệ thuật (Âm nhạc)", (1, 2, 3, 4), False),
    ("MT", "Nghệ thuật (Mĩ thuật)", (1, 2, 3, 4), False),
    ("HDTN", "Hoạt động trải nghiệm", (1, 2, 3, 4), False),
)
_COMMENTS = {
    "TV": "Đọc diễn cảm, viết đúng chính tả; cần mở rộng vốn từ khi viết văn.",
    "TOAN": "Tính nhanh, giải toán có lời văn tốt.",
    "NN1": "Phát âm chuẩn, mạnh dạn giao tiếp.",
    "MT": "Có năng khiếu vẽ, phối màu đẹp.",
}


def primary_transcript() -> list[RecordSnapshot]:
    """Grades 1 to 4 (2021-2022 to 2024-2025), result HTT in grade 4."""
    return [_primary_year(grade) for grade in (1, 2, 3, 4)]


def secondary_transcript() -> list[RecordSnapshot]:
    """Grades 6 to 8 (2022-2023 to 2024-2025); grade 8 passes a re-test."""
    return [_secondary_year(grade) for grade in (6, 7, 8)]


def sample_marks(page: RecordSnapshot) -> tuple[SignatureMark, ...]:
    """A mark for every signer of the record, signed two days before issuing."""
    day = page.issuance.date if page.issuance else date(2025, 6, 20)
    at = datetime(day.year, day.month, day.day, 2, 30, tzinfo=UTC)
    marks = [
        SignatureMark(Role.SUBJECT_TEACHER, t.name, at, CA_NAME, t.personal_id)
        for t in page.subject_teachers()
    ]
    marks += [
        SignatureMark(Role.HOMEROOM_TEACHER, page.homeroom_teacher.name, at, CA_NAME),
        SignatureMark(Role.LEADER, page.leader.name, at, CA_NAME),
        SignatureMark(Role.SEAL, page.school.name, at, CA_NAME, page.school.code),
    ]
    return tuple(marks)


def _year(grade: int, first: int) -> str:
    start = 2021 + grade - first
    return f"{start}-{start + 1}"


def _issuance(school_year: str, prefix: str) -> Issuance:
    end = int(school_year[-4:])
    return Issuance(f"{end}/{prefix}", date(end, 6, 25), "Hà Nội")


def _primary_year(grade: int) -> RecordSnapshot:
    subjects = tuple(
        PrimarySubject(
            code,
            name,
            "T" if code != "HDTN" or grade > 1 else "H",
            Decimal(10 if code == "TV" else 9) if tested else None,
            _COMMENTS.get(code),
        )
        for code, name, grades, tested in _PRIMARY_SUBJECTS
        if grade in grades
    )
    school_year = _year(grade, 1)
    results = PrimaryResults(
        subjects=subjects,
        qualities=tuple(
            Rating(c, "T", "Yêu thương bạn bè, trung thực, có trách nhiệm.")
            for c in ("YN", "NA", "CC", "TTH", "TN")
        ),
        competencies=tuple(
            Rating(c, "T" if c != "TC" else "Đ", "Tự giác học tập, hợp tác tốt.")
            for c in ("TCTH", "GTHT", "GQVD", "NN", "TT", "KH", "CN", "TH", "TM", "TC")
        ),
        result="HTT" if grade > 1 else "HT",
        completed=True,
        title="HSTB" if grade == 4 else None,
        promoted=True,
    )
    history = tuple(
        HistoryRow(_year(g, 1), f"{g}A1", SCHOOL.name, "Hà Nội", date(2021, 9, 5))
        for g in range(1, grade)
    )
    return RecordSnapshot(
        lookup_code=PRIMARY_CODE,
        school_year=school_year,
        grade=grade,
        class_name=f"{grade}A1",
        student=STUDENT,
        school=SCHOOL,
        results=results,
        homeroom_teacher=HOMEROOMS[grade - 1],
        leader=PRINCIPAL,
        absences_excused=grade % 3,
        absences_unexcused=0,
        commendation="Giải Nhì Hội khoẻ Phù Đổng cấp phường" if grade == 4 else None,
        register_number="125/2021",
        history=history,
        issuance=_issuance(school_year, "HB-THMĐ1"),
    )


_SECONDARY_SCORED = ("NV", "TOAN", "NN1", "GDCD", "LSDL", "KHTN", "CN", "TIN")
_SECONDARY_NAMES = {
    "NV": "Ngữ văn",
    "TOAN": "Toán",
    "NN1": "Ngoại ngữ 1 (Tiếng Anh)",
    "GDCD": "Giáo dục công dân",
    "LSDL": "Lịch sử và Địa lí",
    "KHTN": "Khoa học tự nhiên",
    "CN": "Công nghệ",
    "TIN": "Tin học",
    "GDTC": "Giáo dục thể chất",
    "AN": "Nghệ thuật (Âm nhạc)",
    "MT": "Nghệ thuật (Mĩ thuật)",
    "HDTN": "Hoạt động trải nghiệm, hướng nghiệp",
    "GDDP": "Nội dung giáo dục của địa phương",
}


def _secondary_subject(code: str, k: int, grade: int) -> SecondarySubject:
    teacher = TEACHERS[k % len(TEACHERS)]
    if code not in _SECONDARY_SCORED:
        return SecondarySubject(
            code, _SECONDARY_NAMES[code], "Đ", "Đ", "Đ", None, None, teacher
        )
    term1 = Decimal("6.5") + Decimal(k % 4) / 2
    term2 = Decimal("7.0") + Decimal((k + grade) % 5) / 2
    year = ((term1 + 2 * term2) / 3).quantize(Decimal("0.1"))
    retest = None
    if grade == 8 and code == "TOAN":
        term1, term2, year, retest = (
            Decimal("4.0"),
            Decimal("4.5"),
            Decimal("4.3"),
            Decimal("6.0"),
        )
    comment = "Tiến bộ rõ ở học kì II; cần chăm luyện đề." if k % 3 == 0 else None
    return SecondarySubject(
        code, _SECONDARY_NAMES[code], term1, term2, year, retest, comment, teacher
    )


def _secondary_year(grade: int) -> RecordSnapshot:
    subjects = tuple(
        _secondary_subject(code, k, grade) for k, code in enumerate(_SECONDARY_NAMES)
    )
    school_year = f"{2016 + grade}-{2017 + grade}"
    summer = grade == 8
    results = SecondaryResults(
        subjects=subjects,
        learning_term1="K",
        learning_term2="K" if not summer else "Đ",
        learning_year="K" if not summer else "CĐ",
        conduct_term1="T",
        conduct_term2="T",
        conduct_year="T",
        retest_learning="Đ" if summer else None,
        promoted=True,
        promotion_note="Được lên lớp sau khi kiểm tra lại môn Toán" if summer else None,
        title="HSG" if grade == 6 else None,
    )
    history = tuple(
        HistoryRow(
            f"{2016 + g}-{2017 + g}",
            f"{g}A3",
            SECONDARY_SCHOOL.name,
            "Hà Nội",
            date(2022, 9, 5),
        )
        for g in range(6, grade)
    )
    return replace(
        RecordSnapshot(
            lookup_code=SECONDARY_CODE,
            school_year=school_year,
            grade=grade,
            class_name=f"{grade}A3",
            student=STUDENT,
            school=SECONDARY_SCHOOL,
            results=results,
            homeroom_teacher=HOMEROOMS[grade - 5],
            leader=DEPUTY if grade == 8 else PRINCIPAL,
            absences_excused=3,
            absences_unexcused=1,
            homeroom_comment=(
                "Em ngoan, lễ phép, tích cực tham gia hoạt động của lớp. Cần "
                "dành thêm thời gian ôn tập môn Toán trong kì nghỉ hè."
            ),
            register_number="37",
            history=history,
        ),
        issuance=_issuance(school_year, "HB-THCSNTL"),
    )


def signed_packets(pages: list[RecordSnapshot], pki: DemoPki) -> list[bytes]:
    """The pages as packets signed by everyone, in signing order, with keys of pki:
    subject teachers, homeroom teacher, principal (or deputy), then the issuance
    and the school's seal; each signed the day before its issuing date."""
    signers: dict[str, KeyFileSigner] = {}
    seals: dict[str, KeyFileSigner] = {}

    def person(who: Person | Leader) -> KeyFileSigner:
        if who.personal_id not in signers:
            credential = pki.person(who.name, who.personal_id)
            signers[who.personal_id] = KeyFileSigner(credential.key, credential.chain)
        return signers[who.personal_id]

    packets = []
    for page in pages:
        issuance = page.issuance or _issuance(page.school_year, "HB")
        at = datetime(
            issuance.date.year,
            issuance.date.month,
            issuance.date.day,
            2,
            30,
            tzinfo=UTC,
        )
        packet = build_packet(replace(page, issuance=None))
        for teacher in page.subject_teachers():
            packet = sign_packet(
                packet,
                person(teacher),
                Role.SUBJECT_TEACHER,
                identifier=teacher.personal_id,
                signing_time=at,
            )
        packet = sign_packet(
            packet,
            person(page.homeroom_teacher),
            Role.HOMEROOM_TEACHER,
            signing_time=at,
        )
        packet = sign_packet(packet, person(page.leader), Role.LEADER, signing_time=at)
        packet = issue_packet(packet, issuance)
        if page.school.code not in seals:
            seal = pki.organisation(page.school.name, page.school.code)
            seals[page.school.code] = KeyFileSigner(seal.key, seal.chain)
        packets.append(
            sign_packet(packet, seals[page.school.code], Role.SEAL, signing_time=at)
        )
    return packets
