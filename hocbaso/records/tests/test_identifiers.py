"""The personal identification number and the lookup code (domain.md §5)."""

import datetime as dt

import pytest

from hocbaso.records.identifiers import (
    is_lookup_code,
    new_lookup_code,
    normalise_name,
    validate_personal_id,
)

BORN_2014 = dt.date(2014, 3, 14)
BORN_1985 = dt.date(1985, 1, 1)
MALE, FEMALE, UNKNOWN = 1, 2, 0


@pytest.mark.parametrize(
    ("pid", "birth", "sex", "codes"),
    [
        # good: Hà Nội (001), 2000s male (2), born 2014
        ("001214000123", BORN_2014, MALE, []),
        ("001314000123", BORN_2014, FEMALE, []),
        ("001085000123", BORN_1985, MALE, []),
        ("079185000123", BORN_1985, FEMALE, []),
        ("096214000123", BORN_2014, MALE, []),
        # sex unknown (QCVN 109 code 0) accepts either parity of the century
        ("001214000123", BORN_2014, UNKNOWN, []),
        ("001314000123", BORN_2014, UNKNOWN, []),
        # wrong century digit: 1900s digit for a 2014 birth
        ("001014000123", BORN_2014, MALE, ["century_sex"]),
        ("001414000123", BORN_2014, UNKNOWN, ["century_sex"]),
        ("001714000123", BORN_2014, MALE, ["century"]),
        # sex parity: a female's digit for a male and the other way round
        ("001314000123", BORN_2014, MALE, ["century_sex"]),
        ("001214000123", BORN_2014, FEMALE, ["century_sex"]),
        # wrong year digits
        ("001215000123", BORN_2014, MALE, ["year"]),
        ("001284000123", BORN_1985, MALE, ["century_sex", "year"]),
        # wrong province
        ("000214000123", BORN_2014, MALE, ["province"]),
        ("097214000123", BORN_2014, MALE, ["province"]),
        # wrong length, non-digits
        ("00121400012", BORN_2014, MALE, ["format"]),
        ("0012140001234", BORN_2014, MALE, ["format"]),
        ("", BORN_2014, MALE, ["format"]),
        ("00121400012a", BORN_2014, MALE, ["format"]),
        ("001 14000123", BORN_2014, MALE, ["format"]),
        ("٠٠١٢١٤٠٠٠١٢٣", BORN_2014, MALE, ["format"]),  # Arabic-Indic digits
    ],
)
def test_personal_id_is_checked_against_birth_date_and_sex(pid, birth, sex, codes):
    assert [p.code for p in validate_personal_id(pid, birth, sex)] == codes


def test_personal_id_without_a_birth_date_checks_only_its_form():
    assert validate_personal_id("001214000123") == []
    assert [p.code for p in validate_personal_id("099914000123")] == [
        "province",
        "century",
    ]


def test_each_problem_reads_as_a_sentence_naming_the_value():
    (problem,) = validate_personal_id("001215000123", BORN_2014, MALE)
    assert str(problem) == (
        "Digits 5-6 of the personal identification number (15) "
        "must be the last two digits of the birth year 2014."
    )


def test_a_lookup_code_is_32_lowercase_hex_digits():
    code = new_lookup_code()
    assert len(code) == 32
    assert is_lookup_code(code)
    assert not is_lookup_code(code.upper())
    assert not is_lookup_code(code[:31])


def test_lookup_codes_do_not_repeat():
    assert len({new_lookup_code() for _ in range(10_000)}) == 10_000


def test_names_are_stored_composed_with_single_spaces():
    decomposed = "Nguye\u0302\u0303n  Va\u0306n   A"  # "Nguyễn Văn A", NFD
    assert normalise_name(f" {decomposed} ") == "Nguyễn Văn A"
