"""What a message may hold: the pupil's name and the event, never a lookup code,
a share code, a date of birth, an identification number or marks; text others
typed is quoted with codes, numbers and links hidden."""

from __future__ import annotations

import datetime as dt

import pytest

from hocbaso.notices import messages

PUPIL = "Nguyễn Minh Anh"
CODE = "3f2a9c41d0b84e6fa1c27d5e9b0c4a18"
SHARE = "7K3MP-Q9X2T-VB4RW-HN6ZD"
PERSONAL_ID = "001215012345"
BIRTH = "14/03/2015"
AT = dt.datetime(2026, 6, 30, 16, 59, tzinfo=dt.UTC)
# What a reader or a family could type, trying to carry data into a message.
TYPED = f"{CODE} {SHARE} {PERSONAL_ID} {BIRTH} 8,5 điểm Toán www.x.vn a@b.vn"


def _every_message() -> list[messages.Message]:
    built = [
        messages.effective(PUPIL, "2025-2026", AT),
        messages.lookup(PUPIL, TYPED, TYPED, AT),
        messages.share_used(PUPIL, TYPED, TYPED, TYPED, AT),
        messages.reader_corrected(PUPIL, "2025-2026", AT, "125/QĐ-SGDĐT 01/07/2026"),
    ]
    for state in ("requested", "approved", "refused", "issued"):
        built.append(messages.correction(PUPIL, "2025-2026", state, "125/QĐ"))
    for state in ("requested", "approved", "refused"):
        built.append(
            messages.staff_correction("TH A", PUPIL, "2025-2026", state, "C-1")
        )
    return built


@pytest.mark.parametrize("message", _every_message(), ids=lambda m: m.subject[:30])
def test_no_message_holds_a_code_a_birth_date_an_identity_number_or_links(message):
    text = f"{message.subject}\n{message.body}"
    compact = text.replace(" ", "").replace("-", "").lower()

    assert CODE not in compact
    assert SHARE.replace("-", "").lower() not in compact
    assert PERSONAL_ID not in compact
    assert BIRTH not in text and "14032015" not in compact
    assert "www." not in text and "a@b.vn" not in text
    assert PUPIL in text


@pytest.mark.parametrize("message", _every_message(), ids=lambda m: m.subject[:30])
def test_every_message_is_in_vietnamese(message):
    text = f"{message.subject}\n{message.body}"
    assert "học bạ" in text.lower() or "điều chỉnh" in text
    assert " the " not in text  # no English sentence left


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Trường THCS Xuân Phương", "Trường THCS Xuân Phương"),
        ("Tuyển sinh 2026-2027", "Tuyển sinh 2026-2027"),
        (CODE.upper(), "[…]"),
        ("3f2a 9c41 d0b8 4e6f a1c2 7d5e 9b0c 4a18", "[…]"),
        ("CCCD 001215012345", "[…]"),
        ("số 001215012345", "số […]"),
        ("Lớp 6A1, phòng 12", "Lớp 6A1, phòng 12"),
        ("sinh 14/03/2015", "sinh […]"),
        ("http://evil.example/login", "[…]"),
        ("", "(để trống)"),
        ("Trường " * 50, ("Trường " * 50)[: messages.READER_TEXT_MAX].strip()),
        ("dòng 1\nBcc: x", "dòng 1 Bcc: x"),
    ],
)
def test_reader_text_hides_codes_numbers_and_links(typed, shown):
    from django.utils import translation

    with translation.override("vi"):
        assert messages.reader_text(typed) == shown
