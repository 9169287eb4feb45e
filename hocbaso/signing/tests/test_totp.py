"""TOTP against the test vectors of RFC 6238 Appendix B (SHA-1, last six digits)."""

from __future__ import annotations

import base64

import pytest

from hocbaso.signing.totp import matching_step, secret_from_base32, time_step, totp

RFC_SECRET = b"12345678901234567890"


@pytest.mark.parametrize(
    ("at", "eight_digits"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_the_codes_are_rfc_6238s(at: int, eight_digits: str) -> None:
    assert totp(RFC_SECRET, at) == eight_digits[-6:]


def test_a_code_matches_within_one_step_either_side_only() -> None:
    at = 1234567890
    for shift in (-1, 0, 1):
        code = totp(RFC_SECRET, at + 30 * shift)
        assert matching_step(RFC_SECRET, code, at) == time_step(at) + shift
    assert matching_step(RFC_SECRET, totp(RFC_SECRET, at + 60), at) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12345a", "１２３４５６"])
def test_a_code_of_the_wrong_shape_never_matches(code: str) -> None:
    assert matching_step(RFC_SECRET, code, 1234567890) is None


def test_the_secret_is_base32_of_at_least_80_bits() -> None:
    text = base64.b32encode(RFC_SECRET).decode().lower().rstrip("=")
    assert secret_from_base32(text) == RFC_SECRET
    for bad in ("not base32!", base64.b32encode(b"short").decode()):
        with pytest.raises(ValueError):
            secret_from_base32(bad)
