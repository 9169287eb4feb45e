"""Names with invisible, reordering or control characters are refused, not cleaned."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from hocbaso.records.identifiers import normalise_name, validate_name

HIDDEN = [
    "\u200b",  # zero-width space
    "\u200c",
    "\u200d",
    "\u200e",  # left-to-right mark
    "\u200f",
    "\u202a",  # left-to-right embedding
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen (Cf)
    "\u2060",  # word joiner (Cf)
    "\x07",  # a control (Cc)
    "\ue000",  # private use
]


@pytest.mark.parametrize("char", HIDDEN)
def test_a_name_with_a_hidden_character_is_refused(char):
    (problem,) = validate_name(f"Nguyễn Văn A{char}nh")
    assert problem.code == "name_character"
    assert problem.params == {"char": f"U+{ord(char):04X}", "position": 13}


def test_a_vietnamese_name_typed_decomposed_is_good_once_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    assert validate_name(decomposed) == []
    assert normalise_name(decomposed) == "Nguyễn Thị Ánh Tuyết"


def test_a_student_form_names_the_field_in_vietnamese(world):
    student = world.a.student
    student.mother_name = "Lê Thị\u202eHoa"
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        student.clean()
    (message,) = caught.value.message_dict["mother_name"]
    assert "ký tự ẩn hoặc ký tự điều khiển (U+202E" in message


def test_a_staff_member_with_a_zero_width_name_is_refused(world):
    from hocbaso.records.models import Person

    person = Person(full_name="Trần\u200bBình", personal_id="001085012345")
    with pytest.raises(ValidationError) as caught:
        person.clean()
    assert "full_name" in caught.value.message_dict
