"""The demo district's organisations: Hà Nội's department, the Nam Từ Liêm
district office (the plan's Phòng GD&ĐT) and the wards that have managed its
schools since 1/7/2025, and school names modelled on the district's schools.
"""

from __future__ import annotations

import datetime as dt

DEPARTMENT = {
    "code": "01",
    "name": "Sở Giáo dục và Đào tạo Hà Nội",
    "province_code": "01",
    "province_name": "Thành phố Hà Nội",
}
DISTRICT_OFFICE = {
    "code": "PGD-019",
    "name": "Phòng Giáo dục và Đào tạo quận Nam Từ Liêm",
}
# Two-tier local government (domain.md §2): from this day the ward or commune
# committee manages primary and lower-secondary schools.
TWO_TIER_START = dt.date(2025, 7, 1)
DISTRICT_PERIOD_START = dt.date(2013, 12, 27)  # the district was founded
WARDS = (
    ("UBND-TULIEM", "Ủy ban nhân dân phường Từ Liêm", "Phường Từ Liêm"),
    ("UBND-XUANPHUONG", "Ủy ban nhân dân phường Xuân Phương", "Phường Xuân Phương"),
    ("UBND-TAYMO", "Ủy ban nhân dân phường Tây Mỗ", "Phường Tây Mỗ"),
    ("UBND-DAIMO", "Ủy ban nhân dân phường Đại Mỗ", "Phường Đại Mỗ"),
)
# Neighbourhoods of the former district, in the order schools are named after them.
PLACES = (
    "Mỹ Đình",
    "Mễ Trì",
    "Phú Đô",
    "Tây Mỗ",
    "Đại Mỗ",
    "Trung Văn",
    "Xuân Phương",
    "Cầu Diễn",
    "Phương Canh",
    "Nam Trung Yên",
    "Đoàn Thị Điểm",
    "Lê Quý Đôn",
    "Nguyễn Du",
    "Phú Mỹ",
)


def school_names(prefix: str, count: int) -> list[str]:
    """``count`` distinct school names such as "Trường Tiểu học Mỹ Đình 2"."""
    names = []
    round_ = 1
    while len(names) < count:
        for place in PLACES:
            if len(names) == count:
                break
            suffix = "" if round_ == 1 else f" {round_}"
            names.append(f"{prefix} {place}{suffix}")
        round_ += 1
    return names


def split(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` integers that differ by at most one."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]
