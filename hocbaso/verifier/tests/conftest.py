"""The tamper set of hocbaso-verify's tests, signed once per session."""

from __future__ import annotations

import pytest

from hocbaso.verifier.tests.signed import Signed, build_signed


@pytest.fixture(scope="session")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Signed:
    return build_signed(tmp_path_factory.mktemp("verifier"))
