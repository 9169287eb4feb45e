"""Vietnamese class-list order: given name first, letters before tones."""

from __future__ import annotations

import unicodedata

import pytest

from hocbaso.records.names_order import collation_key, in_class_order, name_key

# Each line is in order (the alphabet: a ă â b c d đ e ê g h i k l m n o ô ơ p q r
# s t u ư v x y; tones after the letters: none, huyền, hỏi, ngã, sắc, nặng).
ORDERED_WORDS = [
    ["An", "Ăn", "Ân", "Bình"],
    ["Dũng", "Đức", "Em"],
    ["Em", "Ênh", "Giang"],
    ["Oanh", "Ôn", "Ơn", "Phúc"],
    ["Uyên", "Ưng", "Vy"],
    ["Anh", "Ảnh", "Ánh"],
    ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"],
    ["Ánh", "Ăn"],  # the letter decides before the tone
    ["Hà", "Hạ", "Hải"],  # the letters (a < ai) decide before the tones
    ["Cương", "Cường", "Cửu"],
    ["Đan", "Đào", "Đạt"],
    ["Long", "Lộc", "Lợi"],
    ["Y", "Yến"],
]


@pytest.mark.parametrize("words", ORDERED_WORDS, ids=lambda w: "<".join(w))
def test_words_sort_in_vietnamese_order(words):
    assert sorted(reversed(words), key=collation_key) == words


# A class list as a school prints it: by given name, then family and middle names.
CLASS_LIST = [
    "Trần Thị Thúy An",
    "Nguyễn Ngọc Anh",
    "Phạm Thị Anh",
    "Bùi Văn Ánh",
    "Lê Văn Ân",  # a < â at the first letter: every A… before Â…
    "Nguyễn Văn Bình",
    "Đỗ Văn Dũng",
    "Hoàng Minh Đức",
    "Vũ Thị Hà",
    "Lý Thị Hạ",
    "Đinh Văn Hải",
    "Võ Thị Thu Uyên",
    "Ông Văn Ưng",
]


def test_a_class_list_is_ordered_by_given_name_then_the_rest():
    shuffled = CLASS_LIST[::3] + CLASS_LIST[1::3] + CLASS_LIST[2::3]
    assert in_class_order(shuffled, name=lambda n: n) == CLASS_LIST


def test_the_rest_of_the_name_breaks_ties_with_the_same_collation():
    # Đỗ after Dương: d < đ at the first letter, whatever the tones.
    names = ["Đỗ Minh Anh", "Dương Minh Anh"]
    assert in_class_order(names, name=lambda n: n) == ["Dương Minh Anh", "Đỗ Minh Anh"]


def test_decomposed_and_composed_names_sort_alike():
    composed = "Nguyễn Thị Ánh"
    decomposed = unicodedata.normalize("NFD", composed)
    assert name_key(composed) == name_key(decomposed)


def test_spacing_does_not_change_the_order():
    assert name_key("  Nguyễn   Văn  An ") == name_key("Nguyễn Văn An")


def test_an_empty_name_sorts_first_and_does_not_fail():
    assert in_class_order(["Lê An", ""], name=lambda n: n) == ["", "Lê An"]
