"""How values are written on the paper form: words for codes, dates, marks, times.

Every [decision] about wording that is not a label of the form itself lives here, so a
domain expert finds them in one place (domain.md, "Keep every [decision] in one place").
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hocbaso.packet import Issuance, Mark, RecordSnapshot, Sex

# Vietnam has kept UTC+7 without daylight saving since 1975; a fixed offset needs no
# time-zone database (the same choice as hocbaso.signing.xmldsig).
VIETNAM = timezone(timedelta(hours=7), "ICT")

# Left empty on the form when the data has no value (a run of dots, as on paper).
BLANK = "……………"

SEX_WORDS = {Sex.UNKNOWN: "", Sex.MALE: "Nam", Sex.FEMALE: "Nữ"}

# Circular 27/2020 Art. 9 (domain.md §3.3): the year result in words.
PRIMARY_RESULT_WORDS = {
    "HTXS": "Hoàn thành xuất sắc",
    "HTT": "Hoàn thành tốt",
    "HT": "Hoàn thành",
    "CHT": "Chưa hoàn thành",
}
# Circular 27/2020 Art. 13 and Circular 22/2021 Art. 15: titles in words.
PRIMARY_TITLE_WORDS = {
    "HSXS": "Học sinh Xuất sắc",
    "HSTB": "Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện",
}
SECONDARY_TITLE_WORDS = {"HSXS": "Học sinh Xuất sắc", "HSG": "Học sinh Giỏi"}
# Circular 22/2021 Art. 8-9: learning and conduct levels in words.
SECONDARY_LEVEL_WORDS = {"T": "Tốt", "K": "Khá", "Đ": "Đạt", "CĐ": "Chưa đạt"}


# Values that may keep their line breaks; every other value is one line on the form.
MULTILINE_KEYS = frozenset({"comment", "qr"})


def nfc_tree(value: Any, *, multiline: bool = False) -> Any:
    """Every string in a JSON-like tree in Unicode NFC (precomposed Vietnamese), its
    runs of white space made one space unless it is under a MULTILINE_KEYS key."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value)
        return value if multiline else " ".join(value.split())
    if isinstance(value, dict):
        return {
            k: nfc_tree(v, multiline=multiline or k in MULTILINE_KEYS)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [nfc_tree(v, multiline=multiline) for v in value]
    return value


def text(value: object | None) -> str:
    """A value as printed text; None becomes the empty string (a blank on the form)."""
    return "" if value is None else str(value)


def date_text(day: date | None) -> str:
    """14/03/2015."""
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"


def time_text(moment: datetime) -> str:
    """A moment in Vietnam time: 25/06/2025 09:00:00 (GMT+7)."""
    local = moment.astimezone(VIETNAM)
    return f"{date_text(local.date())} {local:%H:%M:%S} (GMT+7)"


def date_line(issuance: Issuance | None) -> dict[str, str]:
    """The parts of "{place}, ngày … tháng … năm …", blank when not issued yet.

    Decree 30/2020/NĐ-CP, Appendix I: a day below 10 and the months 1 and 2 are
    written with a leading zero (ngày 05 tháng 02 năm 2025; tháng 6).
    """
    if issuance is None:
        return {"place": "", "day": "", "month": "", "year": ""}
    day = issuance.date
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return {
        "place": issuance.place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": str(day.year),
    }


def mark_text(mark: Mark | None) -> str:
    """A lower-secondary mark: a score with a decimal comma (8,1), or Đ, CĐ, M."""
    if mark is None:
        return ""
    if isinstance(mark, Decimal):
        return f"{mark:.1f}".replace(".", ",")
    return mark


def score_text(score: Decimal | None) -> str:
    """A primary end-of-year test score: a whole number 1-10."""
    if score is None:
        return ""
    return str(int(score)) if score == score.to_integral_value() else str(score)


def measure_text(value: Decimal | None, unit: str) -> str:
    """A height or weight with a decimal comma and its unit: "132,5 cm"."""
    if value is None:
        return ""
    return f"{value:.1f}".replace(".", ",") + f" {unit}"


def certificate_lines(page: RecordSnapshot) -> list[str]:
    """The certificates, each with the date it was issued when the packet has it."""
    return [
        cert.name
        if cert.issued_on is None
        else f"{cert.name} (cấp ngày {date_text(cert.issued_on)})"
        for cert in page.certificates
    ]


def words(table: dict[str, str], code: str | None) -> str:
    """A code in words, or the code itself when the table does not know it."""
    if code is None:
        return ""
    return table.get(code, code)


def title_lines(title: str) -> list[str]:
    """A signer's title split into its printed lines.

    "KT. HIỆU TRƯỞNG / PHÓ HIỆU TRƯỞNG" prints on two lines, the deputy's own title
    under the principal's (domain.md §6; forms.md §2.5).
    """
    return [part.strip() for part in title.split("/") if part.strip()] or [title]
