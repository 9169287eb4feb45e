"""Teachers' comments for the demo's records, worded as Vietnamese teachers write them.

- Primary (Circular 27, Art. 6-7): at the end of a term the teacher comments on each
  subject against its level (T/H/C), and on the pupil's qualities and competencies
  against theirs (T/Đ/C); the demo comments on two of each, as teachers do for
  what stands out.
- Lower secondary (Circular 22, Art. 6): the subject teacher's end-of-term comment
  on progress, strengths and what to improve, from the term's marks.

Only the phrasing is drawn here: the levels and marks come from the generators and
the results from the rules.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

# Primary subjects: level -> comment; subjects without their own use _PRIMARY.
_PRIMARY = {
    "T": "Hoàn thành tốt các nội dung học tập của môn học; tích cực, chủ động.",
    "H": "Hoàn thành các nội dung học tập của môn học; cần mạnh dạn hơn.",
    "C": "Chưa hoàn thành một số nội dung của môn học; cần được hỗ trợ thêm.",
}
_PRIMARY_SUBJECTS = {
    "TV": {
        "T": "Đọc lưu loát, viết đúng chính tả, trình bày sạch đẹp.",
        "H": "Đọc khá lưu loát; cần viết cẩn thận hơn để tránh lỗi chính tả.",
        "C": "Đọc còn chậm, viết sai nhiều lỗi chính tả; cần luyện đọc, viết thêm.",
    },
    "TOAN": {
        "T": "Nắm vững kiến thức, tính toán nhanh, chính xác, biết vận dụng giải toán.",
        "H": "Thực hiện được các phép tính; cần cẩn thận hơn khi giải toán có lời văn.",
        "C": "Còn nhầm lẫn khi thực hiện phép tính; cần luyện tập thêm ở nhà.",
    },
    "NN1": {
        "T": "Phát âm chuẩn, nghe hiểu và giao tiếp tốt các mẫu câu đã học.",
        "H": "Nhận biết được từ vựng đã học; cần luyện nói thêm.",
        "C": "Còn nhầm lẫn từ vựng; cần luyện nghe, nói thường xuyên hơn.",
    },
    "GDTC": {
        "T": "Tích cực tập luyện, thực hiện đúng và đẹp các động tác.",
        "H": "Thực hiện được các động tác cơ bản; cần tích cực tập luyện hơn.",
        "C": "Thực hiện động tác chưa đúng; cần tập luyện thêm.",
    },
    "MT": {
        "T": "Có ý tưởng sáng tạo, phối màu hài hòa.",
        "H": "Hoàn thành sản phẩm theo yêu cầu; cần tô màu cẩn thận hơn.",
        "C": "Sản phẩm chưa hoàn thành; cần cố gắng hơn.",
    },
    "AN": {
        "T": "Hát đúng giai điệu, thuộc lời, biểu diễn tự tin.",
        "H": "Hát được bài hát theo giai điệu; cần mạnh dạn biểu diễn hơn.",
        "C": "Chưa thuộc lời bài hát; cần cố gắng hơn.",
    },
}
# Qualities and competencies: level -> comment, one list per code.
_RATINGS = {
    "YN": ("Yêu quê hương, kính trọng thầy cô, lễ phép với người lớn.",
           "Biết chào hỏi thầy cô, người lớn.",
           "Cần lễ phép hơn với thầy cô, người lớn."),
    "NA": ("Biết quan tâm, giúp đỡ bạn bè.",
           "Hòa nhã với bạn bè.",
           "Cần biết chia sẻ, giúp đỡ bạn hơn."),
    "CC": ("Chăm học, hoàn thành bài đúng hạn.",
           "Có cố gắng trong học tập.",
           "Cần chăm chỉ hơn, hoàn thành bài tập đầy đủ."),
    "TTH": ("Thật thà, biết nhận lỗi và sửa lỗi.",
            "Thật thà trong học tập và sinh hoạt.",
            "Cần mạnh dạn nhận lỗi khi làm sai."),
    "TN": ("Có trách nhiệm với việc được giao, giữ gìn đồ dùng học tập.",
           "Hoàn thành việc được giao.",
           "Cần giữ gìn đồ dùng học tập cẩn thận hơn."),
    "TCTH": ("Tự giác học bài, tự chuẩn bị đồ dùng học tập.",
             "Biết tự chuẩn bị đồ dùng học tập.",
             "Cần tự giác học bài hơn."),
    "GTHT": ("Mạnh dạn trao đổi, hợp tác tốt khi làm việc nhóm.",
             "Biết hợp tác với bạn khi làm việc nhóm.",
             "Cần mạnh dạn trao đổi với bạn hơn."),
    "GQVD": ("Biết phát hiện và tự giải quyết vấn đề đơn giản.",
             "Giải quyết được vấn đề đơn giản khi có gợi ý.",
             "Cần được hướng dẫn khi giải quyết vấn đề."),
    "NN": ("Diễn đạt rõ ràng, mạch lạc.",
           "Diễn đạt được ý của mình.",
           "Cần luyện nói thành câu trọn vẹn."),
    "TT": ("Tính toán nhanh, chính xác.",
           "Tính toán được các phép tính đã học.",
           "Tính toán còn chậm, cần luyện thêm."),
    "KH": ("Ham tìm hiểu thế giới tự nhiên xung quanh.",
           "Biết quan sát, nêu được hiện tượng đơn giản.",
           "Cần quan sát kĩ hơn."),
    "CN": ("Sử dụng đồ dùng, dụng cụ an toàn, đúng cách.",
           "Sử dụng được đồ dùng thông thường.",
           "Cần được hướng dẫn khi sử dụng dụng cụ."),
    "TH": ("Sử dụng máy tính thành thạo theo yêu cầu.",
           "Thực hiện được thao tác cơ bản trên máy tính.",
           "Cần luyện thêm thao tác trên máy tính."),
    "TM": ("Cảm nhận cái đẹp, trình bày sản phẩm đẹp.",
           "Biết nhận ra cái đẹp.",
           "Cần trình bày sản phẩm cẩn thận hơn."),
    "TC": ("Khỏe mạnh, tích cực vận động.",
           "Tham gia đầy đủ các hoạt động vận động.",
           "Cần tích cực vận động hơn."),
}  # fmt: skip
_RATING_INDEX = {"T": 0, "Đ": 1, "C": 2}
# Lower secondary: from the term's average, high to low.
_SECONDARY = (
    (Decimal(8), "Nắm vững kiến thức, vận dụng tốt; tích cực phát biểu xây dựng bài."),
    (Decimal("6.5"), "Nắm được kiến thức cơ bản; cần chủ động hơn trong học tập."),
    (Decimal(5), "Hiểu bài ở mức cơ bản; cần chú ý ôn tập thường xuyên hơn."),
    (Decimal(0), "Chưa nắm vững kiến thức; cần ôn tập thêm theo hướng dẫn."),
)
_SECONDARY_MARKS = {
    "Đ": "Tích cực tham gia các hoạt động, hoàn thành các yêu cầu của môn học.",
    "CĐ": "Chưa hoàn thành một số yêu cầu; cần tích cực tham gia hơn.",
}


def primary_subject(code: str, data: dict[str, Any]) -> str:
    """A subject's comment from its level; none for an exempt subject."""
    level = data.get("level")
    if level not in _PRIMARY:
        return ""
    return _PRIMARY_SUBJECTS.get(code, _PRIMARY)[level]


def ratings(
    rng: random.Random, qualities: dict[str, str], competencies: dict[str, str]
) -> dict[str, dict[str, str]]:
    """Comments on two qualities and two competencies, worded for their levels."""
    out = {}
    for field, levels in (("qualities", qualities), ("competencies", competencies)):
        codes = rng.sample(sorted(levels), 2)
        out[field] = {
            code: _RATINGS[code][_RATING_INDEX[levels[code]]]
            for code in sorted(codes)
            if levels[code] in _RATING_INDEX and code in _RATINGS
        }
    return out


def secondary_term(term: dict[str, Any]) -> str:
    """A term's comment from its marks (scores or Đ/CĐ); none for an exemption."""
    marks = [*term.get("tx", ()), term.get("gk"), term.get("ck")]
    marks = [m for m in marks if m is not None]
    if not marks:
        return ""
    if all(str(m) in _SECONDARY_MARKS for m in marks):
        return _SECONDARY_MARKS["CĐ" if "CĐ" in map(str, marks) else "Đ"]
    average = sum(Decimal(str(m)) for m in marks) / len(marks)
    return next(text for floor, text in _SECONDARY if average >= floor)
