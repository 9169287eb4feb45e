"""The printed form: its labels (forms.md), Vietnamese text, fonts and page size."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from hocbaso.packet.examples import primary_example, secondary_example
from hocbaso.printing import RenderError, render_transcript, samples
from hocbaso.printing.tests.helpers import (
    CHECK_BASE,
    STATUS,
    Rendered,
    flat,
    page_texts,
    render,
    run_tool,
)

NAME = "Lê Hoàng Bảo Ngọc"
# The labels of forms.md §2 (primary, Circular 27/2020 Appendix 1).
PRIMARY_LABELS = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "BỘ GIÁO DỤC VÀ ĐÀO TẠO",
    "HỌC BẠ",
    "TIỂU HỌC",
    "Họ và tên học sinh:",
    "Trường:",
    "Xã (Phường, Đặc khu):",
    "Tỉnh (Thành phố):",
    "Giới tính:",
    "Số định danh cá nhân: 001315001234",
    "Ngày, tháng, năm sinh:",
    "Dân tộc:",
    "Quốc tịch:",
    "Nơi sinh:",
    "Quê quán:",
    "Nơi ở hiện nay:",
    "Họ và tên cha:",
    "Họ và tên mẹ:",
    "Người giám hộ (nếu có):",
    "HIỆU TRƯỞNG",
    "(Ký, ghi rõ họ tên và đóng dấu)",
    "QUÁ TRÌNH HỌC TẬP",
    "Số đăng bộ",
    "Ngày nhập học/",
    "chuyển đến",
    "Số ngày nghỉ có phép:",
    "Số ngày nghỉ không phép:",
    "1. Các môn học và hoạt động giáo dục",
    "Mức đạt được",
    "Điểm KTĐK",
    "Nhận xét",
    "2. Những phẩm chất chủ yếu",
    "Phẩm chất",
    "3. Những năng lực cốt lõi",
    "3.1. Những năng lực chung",
    "3.2. Những năng lực đặc thù",
    "4. Đánh giá kết quả giáo dục: Hoàn thành tốt",
    "5. Khen thưởng:",
    "Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện",
    "6. Hoàn thành chương trình lớp học/chương trình tiểu học:",
    "Hoàn thành chương trình lớp 4",
    "Hà Nội, ngày 25 tháng 6 năm 2025",
    "Xác nhận của Hiệu trưởng",
    "Giáo viên chủ nhiệm",
    "(Ký và ghi rõ họ tên)",
    "Giải quyết vấn đề và sáng tạo",
    "Trách nhiệm",
]
# The labels of forms.md §3 (lower secondary, the form of Circular 22/2021).
SECONDARY_LABELS = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "TRƯỜNG THCS: Nam Từ Liêm",
    "Xã/Phường/Đặc khu:",
    "Tỉnh/Thành phố:",
    "TRUNG HỌC CƠ SỞ",
    "(Mẫu ban hành kèm theo Thông tư số 22/2021/TT-BGDĐT ngày 20 tháng 7 năm 2021)",
    "Họ và tên học sinh",
    "Số sổ đăng bộ PCGD: 37/THCS",
    "Họ và tên:",
    "Số định danh cá nhân: 001315001234",
    "Ngày sinh:",
    "Chỗ ở hiện tại:",
    "Nghề nghiệp:",
    "Họ và tên người giám hộ:",
    "QUÁ TRÌNH HỌC TẬP",
    "Môn học/Hoạt động giáo dục",
    "Học kì I",
    "Học kì II",
    "Cả năm",
    "Trong trang này có sửa chữa ở không chỗ, thuộc môn học, hoạt động giáo dục:",
    "Xác nhận của giáo viên chủ nhiệm",
    "Xác nhận của Hiệu trưởng",
    "Mức đánh giá",
    "Kết quả rèn luyện",
    "Kết quả học tập",
    "- Được lên lớp:",
    "- Không được lên lớp:",
    "Nếu là lớp cuối cấp thì ghi Hoàn thành hay không hoàn thành chương trình "
    "trung học cơ sở:",
    "- Chứng chỉ (nếu có):",
    "Loại:",
    "- Kết quả tham gia các cuộc thi (nếu có):",
    "- Khen thưởng (nếu có): Học sinh Giỏi",
    "NHẬN XÉT CỦA GIÁO VIÊN CHỦ NHIỆM",
    "PHÊ DUYỆT CỦA HIỆU TRƯỞNG",
    "KT. HIỆU TRƯỞNG",
    "PHÓ HIỆU TRƯỞNG",
    "Được lên lớp sau khi kiểm tra lại môn Toán",
]


def test_it_prints_every_label_of_the_primary_form(
    primary: Rendered, tmp_path: Path
) -> None:
    text = flat(" ".join(page_texts(primary.pdf, tmp_path)))
    missing = [label for label in PRIMARY_LABELS if label not in text]
    assert missing == []


def test_it_prints_every_label_of_the_lower_secondary_form(
    secondary: Rendered, tmp_path: Path
) -> None:
    text = flat(" ".join(page_texts(secondary.pdf, tmp_path)))
    missing = [label for label in SECONDARY_LABELS if label not in text]
    assert missing == []


def test_it_never_prints_the_retired_wording_or_a_district_line(
    secondary: Rendered, primary: Rendered, tmp_path: Path
) -> None:
    old = ["Trong bảng này", "ĐTB các môn", "Hạnh kiểm", "Học lực", "Huyện"]
    for rendered in (primary, secondary):
        text = flat(" ".join(page_texts(rendered.pdf, tmp_path)))
        assert [word for word in old if word in text] == []


def test_it_writes_averages_with_a_decimal_comma(
    secondary: Rendered, tmp_path: Path
) -> None:
    last_year = page_texts(secondary.pdf, tmp_path)[-2]  # the subjects' page
    assert "7,8" in last_year and "6,0" in last_year  # Ngữ văn; Toán's re-test
    assert not re.search(r"\b\d\.\d\b", last_year)


def test_it_prints_a_cover_an_identity_page_and_a_spread_per_year(
    primary: Rendered, secondary: Rendered, tmp_path: Path
) -> None:
    pages = page_texts(primary.pdf, tmp_path)
    assert len(pages) == 3 + 2 * 4
    assert "HƯỚNG DẪN GHI HỌC BẠ" in pages[1]
    # the left page: header and subjects; the right: school, year, the rest
    assert "1. Các môn học và hoạt động giáo dục" in pages[3]
    assert "2. Những phẩm chất chủ yếu" not in pages[3]
    assert "Năm học: 2021-2022" in pages[4]
    assert "6. Hoàn thành chương trình" in pages[4]
    pages = page_texts(secondary.pdf, tmp_path)
    assert len(pages) == 3 + 2 * 3
    assert "HƯỚNG DẪN SỬ DỤNG HỌC BẠ" in pages[1]
    assert "Trong trang này có sửa chữa" in pages[3]
    assert "Họ tên học sinh: Lê Hoàng Bảo Ngọc" in pages[4]
    assert "PHÊ DUYỆT CỦA HIỆU TRƯỞNG" in pages[4]


def test_it_prints_the_students_name_exactly_in_nfc(
    primary: Rendered, tmp_path: Path
) -> None:
    pages = page_texts(primary.pdf, tmp_path)
    assert NAME in pages[0] and NAME in pages[2]
    assert unicodedata.normalize("NFD", NAME) not in " ".join(pages)


def test_it_normalises_decomposed_input_to_nfc(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    page = primary_example()
    page = replace(page, student=replace(page.student, full_name=decomposed))
    text = " ".join(page_texts(render([page]).pdf, tmp_path))
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert decomposed not in text


@pytest.mark.parametrize(
    "hostile",
    [
        'Nguyễn "#set" $x^2$ *đậm* _nghiêng_',
        "Trần #{1 + 1} @nhan <b>&amp; \\ ] [ // chú",
        'Lê `raw` = Tiêu #import "x.typ"',
        "- Hà\n= Đề <nhan>",
    ],
)
def test_it_prints_a_hostile_name_literally(hostile: str, tmp_path: Path) -> None:
    page = primary_example()
    page = replace(page, student=replace(page.student, full_name=hostile))
    pages = page_texts(render([page]).pdf, tmp_path)
    assert flat(hostile) in flat(pages[2])  # the identity page
    assert flat(hostile) in flat(pages[3])  # the year page


def test_every_page_carries_the_lookup_code_digest_and_status(
    primary: Rendered, tmp_path: Path
) -> None:
    from hocbaso.printing import snapshot_digest

    digest = snapshot_digest(primary.pages)
    for text in page_texts(primary.pdf, tmp_path):
        assert f"Mã tra cứu học bạ: {primary.code}" in text
        assert f"Mã kiểm tra nội dung: {digest}" in text
        assert STATUS in text
        assert CHECK_BASE in text


def test_the_signature_blocks_show_signers_and_vietnam_time(
    secondary: Rendered, tmp_path: Path
) -> None:
    left, right = page_texts(secondary.pdf, tmp_path)[-2:]
    last = flat(left + " " + right)
    assert "Đã ký số" in last
    assert "Người ký: Phan Thị Mai" in last
    assert "Tổ chức: Trường THCS Nam Từ Liêm" in last
    assert "Thời gian ký: 25/06/2025 09:30:00 (GMT+7)" in last  # 02:30 UTC
    assert "Đỗ Minh Tuấn" in last  # a subject teacher's confirmation


def test_without_signatures_the_blocks_leave_room_to_sign(tmp_path: Path) -> None:
    rendered = render([primary_example()], signatures=None)
    text = flat(" ".join(page_texts(rendered.pdf, tmp_path)))
    assert "Đã ký số" not in text
    assert "Trần Văn Đức" in text


def test_it_embeds_only_noto_serif(
    primary: Rendered, secondary: Rendered, tmp_path: Path
) -> None:
    for rendered in (primary, secondary):
        path = tmp_path / "f.pdf"
        path.write_bytes(rendered.pdf)
        rows = run_tool("pdffonts", str(path)).splitlines()[2:]
        assert rows
        for row in rows:
            name, *_, emb, _sub, _uni, _obj, _gen = row.split()
            assert re.fullmatch(r"[A-Z]{6}\+NotoSerif-(Regular|Bold|Italic)", name)
            assert emb == "yes"


def test_every_page_is_a4_portrait(primary: Rendered, tmp_path: Path) -> None:
    path = tmp_path / "a4.pdf"
    path.write_bytes(primary.pdf)
    info = run_tool("pdfinfo", "-f", "1", "-l", "99", str(path))
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert len(sizes) == 3 + 2 * 4  # cover, instructions, identity, a spread a year
    assert all(w == "595.276" and h == "841.89" for w, h in sizes)


def test_it_refuses_pages_of_another_transcript_or_level() -> None:
    code = samples.PRIMARY_CODE
    url = f"{CHECK_BASE}#{code}"
    with pytest.raises(RenderError, match="every page"):
        render_transcript(
            [samples.primary_transcript()[0], primary_example()],
            lookup_code=code,
            check_url=url,
        )
    mixed = [primary_example(), replace(secondary_example(), lookup_code=code)]
    mixed[0] = replace(mixed[0], lookup_code=code)
    with pytest.raises(RenderError, match="separately"):
        render_transcript(mixed, lookup_code=code, check_url=url)
    with pytest.raises(RenderError, match="at least one"):
        render_transcript([], lookup_code=code, check_url=url)


def test_it_refuses_a_mark_list_that_does_not_match_the_pages() -> None:
    page = primary_example()
    with pytest.raises(RenderError, match="one list of marks per page"):
        render_transcript(
            [page],
            lookup_code=page.lookup_code,
            check_url=f"{CHECK_BASE}#{page.lookup_code}",
            signatures=[(), ()],
        )


def test_a_process_forked_after_typst_ran_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hocbaso.printing import render as render_module

    # typst hangs in a child forked after it ran: the child must fail, not hang.
    monkeypatch.setattr(render_module, "_typst_pid", -1)
    with pytest.raises(RenderError, match="spawn"):
        render([primary_example()])


def test_each_year_prints_its_own_note(tmp_path: Path) -> None:
    pages = samples.secondary_transcript()
    notes = [f"Tình trạng: ghi chú năm {p.school_year}." for p in pages]
    # given out of order: each note stays with its record
    rendered = render(pages[::-1], record_notes=notes[::-1])
    texts = page_texts(rendered.pdf, tmp_path)
    for k, note in enumerate(notes):
        assert note in texts[3 + 2 * k] and note in texts[4 + 2 * k]
    with pytest.raises(RenderError, match="one note per page"):
        render(pages, record_notes=notes[:1])
