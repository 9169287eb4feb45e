"""Subject codes and data keys shown by the names a reader knows."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from hocbaso.signing import Status
from hocbaso.web import labels


def test_a_field_id_of_a_copy_reads_as_the_subject_and_the_value():
    with translation.override("vi"):
        assert (
            labels.path_name("results.subjects[TV].test_score")
            == "Tiếng Việt — điểm kiểm tra"
        )
        assert labels.path_name("TOAN hk1: gk") == "Toán — học kỳ I, đánh giá giữa kỳ"


def test_level_in_an_assessment_is_the_level_reached_not_the_school_level():
    with translation.override("vi"):
        assert labels.value_name("level") == "mức đạt được"
        assert labels.value_name("tx") == "đánh giá thường xuyên"


def test_an_unknown_code_is_shown_as_it_is():
    assert labels.subject_name("XYZ") == "XYZ"
    assert labels.path_name("foo.bar") == "foo, bar"


def test_a_check_and_a_verdict_are_shown_in_words():
    with translation.override("vi"):
        assert labels.check_name("integrity") == "toàn vẹn của dữ liệu đã ký"
        assert labels.status_name(Status.INVALID) == "không hợp lệ"


def test_the_template_filters_name_subjects_and_values():
    page = Template(
        "{% load labels %}{{ c|subject_name }}: {{ k|value_name }} {{ v|value_text }}"
    )
    with translation.override("vi"):
        text = page.render(Context({"c": "AN", "k": "tx", "v": ["8", "7"]}))
    assert text == "Âm nhạc: đánh giá thường xuyên 8, 7"
