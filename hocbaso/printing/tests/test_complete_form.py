"""Every section of the form is printed, from a 1.1 packet and from a 1.0 one
(docs/printing.md, docs/forms.md §2.5 and §3.6)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hocbaso.packet import build_packet, parse_packet
from hocbaso.packet.examples import complete_example
from hocbaso.printing import samples
from hocbaso.printing.tests.helpers import flat, page_texts, render

COMMENT = "Em chăm ngoan, tiến bộ rõ; cần mạnh dạn phát biểu hơn."


def _complete(pages):
    last = complete_example(replace(pages[-1], homeroom_comment=COMMENT))
    return [*pages[:-1], parse_packet(build_packet(last))]


def test_the_primary_year_prints_every_section(tmp_path: Path) -> None:
    pages = _complete(samples.primary_transcript())
    text = flat(page_texts(render(pages).pdf, tmp_path)[-2] + " ")
    text += flat(page_texts(render(pages).pdf, tmp_path)[-1])
    for label in (
        "Chiều cao: 132,5 cm",
        "Cân nặng: 29,0 kg",
        "Số ngày nghỉ có phép:",
        "Số ngày nghỉ không phép:",
        "4. Đánh giá kết quả giáo dục",
        "5. Khen thưởng",
        "Kết quả tham gia các cuộc thi: Giải Nhì Hội khỏe Phù Đổng cấp phường",
        "Chứng chỉ: Chứng chỉ tiếng Anh Cambridge Movers (cấp ngày 10/05/2025)",
        "6. Hoàn thành chương trình",
        "Nhận xét của giáo viên chủ nhiệm:",
        COMMENT,
    ):
        assert label in text, label


def test_a_subject_not_assessed_for_a_pupil_with_disabilities_says_so(
    tmp_path: Path,
) -> None:
    pages = _complete(samples.primary_transcript())
    results = pages[-1].results
    exempt = replace(results.subjects[0], level="M", test_score=None)
    results = replace(results, subjects=(exempt, *results.subjects[1:]))
    pages[-1] = replace(pages[-1], results=results)
    text = flat(page_texts(render(pages).pdf, tmp_path)[-2])
    assert "Không đánh" in text  # the narrow level cell wraps before "giá"


def test_the_secondary_year_prints_certificates_contests_and_the_comment(
    tmp_path: Path,
) -> None:
    pages = _complete(samples.secondary_transcript())
    text = flat(page_texts(render(pages).pdf, tmp_path)[-1])
    assert "Chứng chỉ (nếu có): Chứng chỉ tiếng Anh Cambridge Movers" in text
    assert "cuộc thi (nếu có): Giải Nhì Hội khỏe Phù Đổng cấp phường" in text
    assert "NHẬN XÉT CỦA GIÁO VIÊN CHỦ NHIỆM" in text and COMMENT in text


def test_a_1_0_packet_still_prints_with_the_lines_left_blank(tmp_path: Path) -> None:
    pages = samples.primary_transcript()
    assert all(b'version="1.0"' in build_packet(p) for p in pages)
    text = flat(page_texts(render(pages).pdf, tmp_path)[-2])
    assert "Chiều cao: …… Cân nặng: ……" in text or "Chiều cao: ……" in text
