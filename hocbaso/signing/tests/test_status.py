"""A packet's status from its checks: invalid if one failed outright, else
indeterminate if one could not tell, else valid."""

import pytest

from hocbaso.signing import Status
from hocbaso.signing.result import Check, status_of


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], Status.VALID),
        ([(True, False), (True, False)], Status.VALID),
        ([(True, False), (False, True)], Status.INDETERMINATE),
        ([(False, True), (False, False), (True, False)], Status.INVALID),
        ([(False, False), (False, True)], Status.INVALID),
        ([(True, True), (True, False)], Status.VALID),
    ],
)
def test_a_failure_outright_makes_invalid_and_only_indeterminate_ones_indeterminate(
    outcomes: list[tuple[bool, bool]], expected: Status
) -> None:
    checks = [Check("chain", ok, "why", None, maybe) for ok, maybe in outcomes]
    assert status_of(checks) is expected
