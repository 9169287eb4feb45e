"""Vietnamese names, places and occupations for the seeded demo district.

All strings are NFC. Frequencies follow the common shape of Vietnamese names:
a few family names cover most people, the middle name depends on sex.
"""

from __future__ import annotations

import random
import unicodedata

FAMILY_NAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 2),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 2),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 1),
    ("Ngô", 1),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Trịnh", 1),
    ("Đào", 1),
    ("Mai", 1),
    ("Tạ", 1),
    ("Lương", 1),
)
MALE_MIDDLE = (
    "Văn",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Thành",
    "Gia",
    "Tuấn",
    "Anh",
    "Bảo",
    "Đăng",
    "Trọng",
)
FEMALE_MIDDLE = (
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Khánh",
    "Bảo",
    "Minh",
    "Phương",
    "Hà",
    "Mai",
    "Diệu",
    "Quỳnh",
)
MALE_GIVEN = (
    "An",
    "Anh",
    "Bách",
    "Bảo",
    "Bình",
    "Cường",
    "Dũng",
    "Duy",
    "Đạt",
    "Đức",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Huy",
    "Hùng",
    "Khang",
    "Khánh",
    "Khôi",
    "Kiên",
    "Lâm",
    "Long",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Nguyên",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Thịnh",
    "Toàn",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Vũ",
)
FEMALE_GIVEN = (
    "An",
    "Anh",
    "Chi",
    "Diệp",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Huyền",
    "Hương",
    "Lan",
    "Linh",
    "Loan",
    "Ly",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nhi",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Quỳnh",
    "Tâm",
    "Thảo",
    "Thư",
    "Thủy",
    "Trang",
    "Trâm",
    "Uyên",
    "Vân",
    "Vy",
    "Yến",
)
ETHNICITIES = (("Kinh", 96), ("Tày", 1), ("Mường", 1), ("Thái", 1), ("Nùng", 1))
PROVINCES_OF_BIRTH = (
    # (name, personal-id province code) - most children of the district are
    # registered in Hà Nội.
    ("Thành phố Hà Nội", "001", 88),
    ("Tỉnh Nam Định", "036", 3),
    ("Tỉnh Thanh Hóa", "038", 3),
    ("Tỉnh Nghệ An", "040", 2),
    ("Tỉnh Thái Bình", "034", 2),
    ("Tỉnh Phú Thọ", "025", 2),
)
OCCUPATIONS = (
    "Công nhân",
    "Kinh doanh",
    "Giáo viên",
    "Kỹ sư",
    "Bác sĩ",
    "Nhân viên văn phòng",
    "Lao động tự do",
    "Nông dân",
    "Cán bộ",
    "Nội trợ",
    "Kế toán",
    "Lái xe",
)
STREETS = (
    "Mễ Trì",
    "Mỹ Đình",
    "Phú Đô",
    "Cầu Diễn",
    "Xuân Phương",
    "Tây Mỗ",
    "Đại Mỗ",
    "Trung Văn",
    "Phương Canh",
    "Hồ Tùng Mậu",
    "Lê Quang Đạo",
    "Nguyễn Cơ Thạch",
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    names = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return rng.choices(names, weights)[0]


def person_name(rng: random.Random, sex: int) -> str:
    """A full name "Family Middle Given"; sex 1 male, 2 female."""
    family = _weighted(rng, FAMILY_NAMES)
    middles, givens = (
        (MALE_MIDDLE, MALE_GIVEN) if sex == 1 else (FEMALE_MIDDLE, FEMALE_GIVEN)
    )
    middle = rng.choice(middles)
    given = rng.choice([g for g in givens if g != middle])
    return nfc(f"{family} {middle} {given}")


def ethnicity(rng: random.Random) -> str:
    return _weighted(rng, ETHNICITIES)


def birth_province(rng: random.Random) -> tuple[str, str]:
    """(province name, personal-id province code)."""
    rows = PROVINCES_OF_BIRTH
    row = rng.choices(rows, [r[2] for r in rows])[0]
    return row[0], row[1]


def occupation(rng: random.Random) -> str:
    return rng.choice(OCCUPATIONS)


def address(rng: random.Random, ward: str) -> str:
    return nfc(
        f"Số {rng.randint(1, 199)} {rng.choice(STREETS)}, {ward}, Thành phố Hà Nội"
    )
