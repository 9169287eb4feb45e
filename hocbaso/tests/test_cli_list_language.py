"""``hocbaso`` alone: the list's own lines read in the reader's language."""

from __future__ import annotations

from django.utils import translation

from hocbaso.cli import command_list


def test_the_command_list_reads_in_vietnamese():
    with translation.override("vi"):
        text = command_list()
    assert text.startswith(
        "Cách dùng: hocbaso <lệnh> [tùy chọn]; hocbaso <lệnh> --help"
    )
    assert "\nCác lệnh của hocbaso:\n" in text
    assert "\nCác lệnh của Django:\n" in text
    assert "Usage" not in text and "commands:" not in text


def test_the_command_list_stays_english_for_an_english_reader():
    with translation.override("en"):
        text = command_list()
    assert text.startswith("Usage: hocbaso <command>")
    assert "\nDjango's commands:\n" in text
